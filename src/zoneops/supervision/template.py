"""The downloadable import template: what a list looks like, with one example per domain."""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

HEADER = ["序号", "领域", "任务名称", "目标任务", "责任领导", "牵头单位", "配合单位", "完成时限",
          "时间节点"]
EXAMPLES = [
    ["ZD-01", "经济发展", "推进汽车零部件产业园二期建设", "全年完成固定资产投资5亿元", "周明远",
     "经济发展局", "规划建设局、招商局", "年底前",
     "3月底前完成立项；6月底前开工；12月底前主体结顶"],
    ["ZD-02", "城市建设", "实施滨湖路改造提升工程", "完成道路改造2.3公里", "陈立远", "规划建设局",
     "综合行政执法局", "三季度末", "4月30日前完成设计；三季度末完工"],
    ["ZD-03", "民生服务", "新建社区养老服务中心3家", "", "周明远", "社会事务局", "", "年内", ""],
]
NOTES = [
    "填写说明（本页不导入）：",
    "1. 表头可在第1至20行之间，上方可保留标题行；列的顺序不限，表头用语可为常见写法"
    "（如“任务名称/重点工作/项目名称”“牵头单位/责任单位”）。",
    "2. 必填：任务名称、牵头单位。牵头单位、配合单位用单位全称、简称或别名，多个单位用顿号分隔。",
    "3. 完成时限可写：3月底前、6月30日前、上半年、三季度末、年底前、年内、全年、长期。",
    "4. 时间节点可在一个单元格内写多个，用分号分隔，如“3月底前完成立项；6月底前开工”。",
    "5. 序号在同一清单内不能重复；导入前先“试导入”，系统会列出每个问题所在的行和列。",
]


def template_workbook(title: str = "2026年度重点任务清单") -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "清单"
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    ws["A1"].font = Font(size=16, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append(["填报单位：督查室", None, None, None, None, None, None, None, "单位：项"])
    ws.append(HEADER)
    for cell in ws[3]:
        cell.font = Font(bold=True)
    for row in EXAMPLES:
        ws.append(row)
    for letter, width in zip("ABCDEFGHI", (8, 10, 34, 28, 10, 16, 22, 12, 48), strict=True):
        ws.column_dimensions[letter].width = width
    notes = wb.create_sheet("填写说明")
    for line in NOTES:
        notes.append([line])
    notes.column_dimensions["A"].width = 120
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
