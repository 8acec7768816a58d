"""``python -m dashboard.make_deck``: the 汇报 deck of a view, from the command line.

    python -m dashboard.make_deck --region 350582101 --from 2024-01 --to 2024-12 \\
        --cmp yoy --lang zh -o 安海镇2024.pptx

The same deck as the dashboard's 生成汇报PPT button for the same view (the
options are the view's URL parameters).  Reads the warehouse of ``UNION_DB``
(or data/warehouse.duckdb) or ``--db``.  A value the dashboard would replace
by a default (an unknown region, a bad month) is an error here: a script
should not quietly make the deck of another region.  Exit status 0 when the
deck is written, 2 for a bad option, 1 when there is no warehouse.
"""
from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

from dashboard import deck, report
from dashboard.filters import latest_or_default, parse_view, regions_from_units
from dashboard.queries import meta
from dashboard.strings import t
from etl import settings, warehouse


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m dashboard.make_deck",
                                     description="生成汇报PPT / write the report deck of a view")
    parser.add_argument("--region", help="org unit code, e.g. 350582101 (安海镇); default 泉州市")
    parser.add_argument("--from", dest="first", help="first month, YYYY-MM")
    parser.add_argument("--to", dest="last", help="last month, YYYY-MM")
    parser.add_argument("--cmp", choices=("yoy", "mom"), default="yoy", help="同比 yoy / 环比 mom")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh")
    parser.add_argument("--db", type=Path, help="warehouse file (default: UNION_DB or data/warehouse.duckdb)")
    parser.add_argument("-o", "--output", type=Path, help="the .pptx to write (default: named after the view)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    db = Path(args.db or settings.db_path())
    params = {key: value for key, value in (("region", args.region), ("from", args.first),
                                             ("to", args.last), ("cmp", args.cmp),
                                             ("lang", args.lang)) if value is not None}
    started = time.perf_counter()
    try:
        with warehouse.read(db) as con:
            regions = regions_from_units(meta.org_units(con))
            latest = latest_or_default(meta.latest_month(con), date.today())
            vf = parse_view(params, regions, latest)
            if vf.notices:
                for notice in vf.notices:
                    print(f"{t(notice.key, 'zh', value=notice.value)}\n{t(notice.key, 'en', value=notice.value)}",
                          file=sys.stderr)
                print(f"{t('deck.not_written', 'zh')}\n{t('deck.not_written', 'en')}", file=sys.stderr)
                return 2
            content = report.build_report(con, vf)
    except warehouse.WarehouseMissing:
        print(f"{t('warehouse.missing', 'zh')}\n{t('warehouse.missing', 'en')} ({db})", file=sys.stderr)
        return 1
    # The connection is closed before the images are drawn: a load may run meanwhile.
    data = deck.write_deck(content)
    output = args.output or Path(report.deck_file_name(vf))
    output.write_bytes(data)
    print(t("deck.ready", vf.lang, slides=len(content.slides),
            seconds=f"{time.perf_counter() - started:.1f}") + f" {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
