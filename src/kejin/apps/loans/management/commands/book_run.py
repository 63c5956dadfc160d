"""``manage.py book_run [--date YYYY-MM-DD]``: the daily book run, synchronously.

Scheduled at the end of each business day (cron or a systemd timer); the default date is today
in Asia/Shanghai. Running the same date again replaces that date's snapshots with the same result.
"""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kejin.apps.loans.bookrun.run import book_run, today_in_shanghai
from kejin.rules.errors import DomainError
from kejin.rules.money import fmt_yuan


def business_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"业务日期“{text}”无效，格式应为 YYYY-MM-DD") from None


class Command(BaseCommand):
    help = "日终批处理：计提利息、更新逾期天数、五级分类并写入业务日期的贷款快照（可重复运行）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date",
            type=business_date,
            default=None,
            help="业务日期 YYYY-MM-DD（默认：北京时间今天）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        day: date = options["date"] or today_in_shanghai()
        try:
            run = book_run(business_date=day)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"{run.business_date} 日终批处理完成：{run.loans} 笔贷款，"
                f"贷款余额 {fmt_yuan(run.outstanding)} 元"
            )
        )
