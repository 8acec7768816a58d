"""数据管理: load batches (download, roll back), 报送进度, the data dictionary, the station register."""
from dashboard.ui import upload

upload.admin_page(upload.start("admin"))
