"""Spreadsheets shaped like the ones supervision offices really send."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from openpyxl import Workbook


def messy_list(rows: list[list] | None = None, path: Path | None = None) -> bytes:
    """Title rows, headers out of order in other wording, a merged domain column, section
    rows, prose nodes and a note at the bottom."""
    wb = Workbook()
    ws = wb.active
    ws.title = "重点工作"
    ws.append(["澄湾经开区2026年度重点工作任务清单"])
    ws.merge_cells("A1:I1")
    ws.append(["（经党工委会议审定）"])
    ws.append([])
    ws.append(["编号", "重点工作", "具体目标", "牵头单位", "配合单位", "责任领导",
               "完成时限", "节点安排", "所属领域"])
    ws.append(["一、经济发展（2项）"] * 9)  # a section row merged across the table
    ws.merge_cells("A5:I5")
    body = rows if rows is not None else [
        ["JJ-01", "推进汽车零部件产业园二期建设", "全年完成投资5亿元", "经发局", "建设局",
         "周明远", "年底前", "3月底前完成立项；6月底前开工；12月底前主体结顶", "经济发展"],
        ["JJ-02", "引进高端装备项目", "引进亿元以上项目5个", "经济发展局", "", "周明远",
         "三季度末", "1. 上半年签约3个\n2. 三季度末签约5个", None],
        ["CS-01", "滨湖路改造提升工程", "完成道路改造2.3公里", "建设局", "经济运行科",
         "陈立远", "6月30日前", "", "城市建设"],
    ]
    for row in body:
        ws.append(row)
    # The domain of JJ-02 is written once for JJ-01 and JJ-02 (merged I6:I7).
    if rows is None:
        ws.merge_cells("I6:I7")
    ws.append([])
    ws.append(["注：时间节点为序时进度要求，各单位每月25日前报送进展。"])
    out = BytesIO()
    wb.save(out)
    data = out.getvalue()
    if path is not None:
        path.write_bytes(data)
    return data
