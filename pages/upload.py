"""数据上传: check staff spreadsheets, preview what they change, load on confirmation."""
from dashboard.ui import upload

upload.upload_page(upload.start("upload"))
