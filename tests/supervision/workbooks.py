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


def _save(wb: Workbook, path: Path | None = None) -> bytes:
    out = BytesIO()
    wb.save(out)
    if path is not None:
        path.write_bytes(out.getvalue())
    return out.getvalue()


def three_lists(path: Path | None = None) -> bytes:
    """The three lists on three sheets of one workbook, each in a layout offices use, and an
    instructions sheet without a table."""
    from datetime import datetime

    wb = Workbook()
    notes = wb.active
    notes.title = "填表说明"
    notes.append(["请按模板填写，勿改动表头。"])
    # Key tasks: a two-level merged header, full-width numbers, a title over two lines, a
    # section with a count, a cell holding one space, a 合计 row, unit marks.
    key = wb.create_sheet("重点任务")
    key.append(["2026年度重点任务清单"])
    key.merge_cells("A1:F1")
    key.append(["序号", "任务名称", "责任单位", None, "完成时限", "时间节点"])
    key.append([None, None, "牵头单位", "配合单位", None, None])
    for rng in ("C2:D2", "A2:A3", "B2:B3", "E2:E3", "F2:F3"):
        key.merge_cells(rng)
    key.append(["产业项目（2个）"] * 6)
    key.merge_cells("A4:F4")
    key.append(["１", "推进汽车零部件\n产业园二期", "经发局（牵头）、建设局", " ", "年底前",
                "上半年完成50%，年底前全面完成"])
    key.append(["２", "引进高端装备项目", "牵头单位：建设局", "配合单位：经发局",
                "6月底前；9月底前", None])
    key.append(["合计", "2项", None, None, None, None])
    # Reforms: no sheet name to go by, the title says it; numbering restarts in each section;
    # deadlines in every form the issue lists.
    reform = wb.create_sheet("Sheet3")
    reform.append(["2026年度改革突破事项清单"])
    reform.append(["序号", "改革事项", "牵头单位", "时间节点"])
    reform.append(["一、营商环境（2项）", None, None, None])
    reform.append([1, "一网通办", "经济发展局牵头，建设局配合", "国庆前上线；Q4完成验收"])
    reform.append([2, "每月通报", "经济发展局", "每月通报进展"])
    reform.append(["二、要素改革", None, None, None])
    reform.append([1, "土地集约", "建设局", datetime(2026, 8, 31)])
    reform.append([2, "标准地出让", "建设局", "6月底前"])
    reform.append([3, "存量盘活", "建设局", "2026/6/30前完成"])
    # Tough projects: one row per node with the item's cells merged downward, and quarter
    # columns holding each quarter's target.
    tough = wb.create_sheet("攻坚项目")
    tough.append(["序号", "项目名称", "牵头单位", "节点目标", "完成时限", "一季度", "二季度",
                  "三季度", "四季度"])
    tough.append([1, "滨湖路改造", "建设局", "完成设计", "3月底前", None, None, None, None])
    tough.append([None, None, None, "完成施工", "9月底前", None, None, None, None])
    tough.merge_cells("A2:A3")
    tough.merge_cells("B2:B3")
    tough.merge_cells("C2:C3")
    tough.append([2, "园区污水管网", "建设局", None, None, "完成招标", "开工建设",
                  "8月底前完成主管网", "通水运行"])
    return _save(wb, path)
