"""HJ 212 code tables, as data.

Source: HJ 212-2017 (Table 5 system codes, Table 8 data flags, Table 9 command codes, the
QnRtn/ExeRtn values of 9011/9012, Appendix B pollutant codes with the HJ/T 212-2005 codes in
brackets), as summarised in the project's protocol reference. Codes marked 2025 come from
HJ 212-2025 as known from implementations. Only codes the reference lists are here; the
Chinese names are the usual terms, the units are the usual ones (a device's own configuration
wins). Nothing in this module decides anything: lookups return None for unknown codes and the
codec accepts codes that are not in these tables.
"""

from __future__ import annotations

import re
from typing import NamedTuple

__all__ = [
    "COMMAND_CODES",
    "DATA_FLAGS",
    "DATA_UPLOAD_CNS",
    "EQUIPMENT_STATES",
    "EXE_RTN",
    "NOTICE_CNS",
    "POLLUTANTS",
    "POLLUTANTS_BY_2005_CODE",
    "QN_RTN",
    "SYSTEM_CODES",
    "CodeName",
    "DataFlag",
    "Pollutant",
    "pollutant",
]


class CodeName(NamedTuple):
    code: str
    en: str
    zh: str


class DataFlag(NamedTuple):
    code: str
    en: str
    zh: str
    # Only N and T may raise a pollution alarm; the others are data-quality events (Table 8).
    may_alarm: bool


class Pollutant(NamedTuple):
    code: str
    code_2005: str | None
    en: str
    zh: str
    unit: str


def _table(rows: list[tuple[str, str, str]]) -> dict[str, CodeName]:
    return {code: CodeName(code, en, zh) for code, en, zh in rows}


# HJ 212-2017 Table 5.
SYSTEM_CODES: dict[str, CodeName] = _table([
    ("21", "surface water quality", "地表水质量监测"),
    ("22", "air quality", "空气质量监测"),
    ("23", "noise", "声环境质量监测"),
    ("24", "groundwater", "地下水质量监测"),
    ("25", "soil", "土壤质量监测"),
    ("26", "sea water", "海水质量监测"),
    ("27", "VOC monitoring", "挥发性有机物监测"),
    ("31", "air pollution source", "大气环境污染源"),
    ("32", "surface-water pollution source", "地表水体环境污染源"),
    ("33", "groundwater pollution source", "地下水体环境污染源"),
    ("39", "construction dust", "工地扬尘污染源"),
    ("51", "flue-gas process", "烟气排放过程监控"),
    ("52", "wastewater process", "污水排放过程监控"),
    ("91", "system interaction", "系统交互"),
])

# HJ 212-2017 Table 9 (3011-3021 are listed there one by one; the reference gives them only as
# a range, so they carry the range's description), plus 1014 and 9015 from HJ 212-2025.
COMMAND_CODES: dict[str, CodeName] = _table([
    ("1000", "set timeout and retries", "设置超时时间及重发次数"),
    ("1011", "get logger time", "提取现场机时间"),
    ("1012", "set logger time", "设置现场机时间"),
    ("1013", "time calibration request", "现场机时间校准请求"),
    ("1014", "key exchange (2025)", "密钥交换（2025）"),
    ("1061", "get real-time data interval", "提取实时数据间隔"),
    ("1062", "set real-time data interval", "设置实时数据间隔"),
    ("1063", "get minute data interval", "提取分钟数据间隔"),
    ("1064", "set minute data interval", "设置分钟数据间隔"),
    ("1072", "set access password", "设置现场机访问密码"),
    ("2011", "real-time data", "实时数据"),
    ("2012", "stop real-time data", "停止察看实时数据"),
    ("2021", "equipment running state", "设备运行状态"),
    ("2022", "stop equipment running state", "停止察看设备运行状态"),
    ("2031", "daily data", "日历史数据"),
    ("2041", "daily equipment running time", "设备运行时间日历史数据"),
    ("2051", "minute data", "分钟数据"),
    ("2061", "hourly data", "小时数据"),
    ("2081", "logger power-on time", "数采仪开机时间"),
    *(
        (str(cn), "control command (calibration, sampling, cleaning, sample retention...)",
         "控制命令（校准、采样、清洗、留样等）")
        for cn in range(3011, 3022)
    ),
    ("9011", "request answer", "请求应答"),
    ("9012", "execution result", "执行结果"),
    ("9013", "notice answer", "通知应答"),
    ("9014", "data answer", "数据应答"),
    ("9015", "heartbeat (2025)", "心跳（2025）"),
])

# Uploads the platform acknowledges with 9014 when the sender asked (Flag A bit), and notices
# it answers with 9013 (HJ 212-2017 §6.1, §6.5, Appendix C).
DATA_UPLOAD_CNS: frozenset[str] = frozenset(
    {"2011", "2021", "2031", "2041", "2051", "2061", "2081"}
)
NOTICE_CNS: frozenset[str] = frozenset({"1013", "2012", "2022"})

# HJ 212-2017 Table 8.
DATA_FLAGS: dict[str, DataFlag] = {
    row[0]: DataFlag(*row)
    for row in [
        ("N", "normal", "正常", True),
        ("F", "instrument stopped", "停运", False),
        ("M", "maintenance", "维护", False),
        ("S", "manual value", "手工输入", False),
        ("D", "instrument fault", "故障", False),
        ("C", "calibrating", "校准", False),
        ("T", "over the measuring range", "超测上限", True),
        ("B", "logger-instrument communication fault", "通讯异常", False),
    ]
}

# 9011 QnRtn and 9012 ExeRtn values (HJ 212-2017, request-answer and execution-result codes).
QN_RTN: dict[int, str] = {
    1: "ready to execute", 2: "request refused", 3: "PW error", 4: "MN error", 5: "ST error",
    6: "Flag error", 7: "QN error", 8: "CN error", 9: "CRC error", 100: "unknown error",
}
EXE_RTN: dict[int, str] = {
    1: "success", 2: "failed (unknown reason)", 3: "command condition error", 4: "timeout",
    5: "system busy", 6: "system fault", 100: "no data",
}

# SBxxx-RS equipment states.
EQUIPMENT_STATES: dict[str, str] = {
    "0": "off", "1": "running", "2": "calibrating", "3": "maintenance", "4": "alarm",
    "5": "back-blowing",
}

_MG_M3 = "mg/m³"
_MG_L = "mg/L"

# HJ 212-2017 Appendix B, 2005 code in the second column where the reference gives one.
POLLUTANTS: dict[str, Pollutant] = {
    row[0]: Pollutant(*row)
    for row in [
        # air
        ("a21026", "02", "SO2", "二氧化硫", _MG_M3),
        ("a21004", None, "NO2", "二氧化氮", _MG_M3),
        ("a21003", None, "NO", "一氧化氮", _MG_M3),
        ("a21002", "03", "NOx", "氮氧化物", _MG_M3),
        ("a21005", "04", "CO", "一氧化碳", _MG_M3),
        # Not in the 2017 table; it is what ambient ozone analysers send.
        ("a05024", None, "O3", "臭氧", _MG_M3),
        ("a34002", None, "PM10", "可吸入颗粒物", _MG_M3),
        ("a34004", None, "PM2.5", "细颗粒物", _MG_M3),
        ("a34001", None, "TSP", "总悬浮颗粒物", _MG_M3),
        ("a21028", "05", "H2S", "硫化氢", _MG_M3),
        ("a21001", "10", "NH3", "氨", _MG_M3),
        ("a24088", None, "non-methane hydrocarbons", "非甲烷总烃", _MG_M3),
        ("a24087", "25", "total hydrocarbons", "总烃", _MG_M3),
        ("a25002", None, "benzene", "苯", _MG_M3),
        ("a25003", "17", "toluene", "甲苯", _MG_M3),
        ("a25004", None, "ethylbenzene", "乙苯", _MG_M3),
        ("a25005", "18", "xylene", "二甲苯", _MG_M3),
        ("a25038", None, "styrene", "苯乙烯", _MG_M3),
        ("a21022", "11", "Cl2", "氯气", _MG_M3),
        ("a21024", "08", "HCl", "氯化氢", _MG_M3),
        ("a31001", "19", "formaldehyde", "甲醛", _MG_M3),
        ("a30001", "28", "methanol", "甲醇", _MG_M3),
        ("a24046", "29", "vinyl chloride", "氯乙烯", _MG_M3),
        ("a99051", "12", "CS2", "二硫化碳", _MG_M3),
        ("a99049", "24", "phosgene", "光气", _MG_M3),
        # meteorology
        ("a01001", None, "temperature", "温度", "℃"),
        ("a01002", None, "humidity", "湿度", "%"),
        ("a01006", None, "pressure", "气压", "kPa"),
        ("a01007", None, "wind speed", "风速", "m/s"),
        ("a01008", None, "wind direction", "风向", "°"),
        # stack
        ("a00000", "B02", "flue-gas flow", "废气流量", "m³/s"),
        ("a19001", "S01", "O2", "氧气含量", "%"),
        # water
        ("w00000", "B01", "wastewater flow", "污水流量", "L/s"),
        ("w01018", "011", "COD", "化学需氧量", _MG_L),
        ("w21003", "060", "NH3-N", "氨氮", _MG_L),
        ("w01001", "001", "pH", "pH值", ""),
        ("w21011", "101", "total phosphorus", "总磷", _MG_L),
        ("w21001", "065", "total nitrogen", "总氮", _MG_L),
        ("w01019", None, "permanganate index", "高锰酸盐指数", _MG_L),
        ("w01009", None, "dissolved oxygen", "溶解氧", _MG_L),
        ("w01010", None, "water temperature", "水温", "℃"),
        ("w01014", None, "conductivity", "电导率", "μS/cm"),
        ("w01012", "003", "suspended solids", "悬浮物", _MG_L),
        ("w22001", "080", "petroleum", "石油类", _MG_L),
    ]
}

POLLUTANTS_BY_2005_CODE: dict[str, Pollutant] = {
    p.code_2005: p for p in POLLUTANTS.values() if p.code_2005 is not None
}

# Treatment-plant process codes: e1xxyy at the inlet, e2xxyy at the outlet, where xx picks the
# quantity below and yy numbers the measuring point.
_PROCESS_CODE = re.compile(r"e([12])(0[1-6])(\d\d)")
_PROCESS_QUANTITIES: dict[str, tuple[str, str, str]] = {
    "01": ("flow", "流量", "L/s"),
    "02": ("COD", "化学需氧量", _MG_L),
    "03": ("NH3-N", "氨氮", _MG_L),
    "04": ("total phosphorus", "总磷", _MG_L),
    "05": ("total nitrogen", "总氮", _MG_L),
    "06": ("pH", "pH值", ""),
}


def pollutant(code: str) -> Pollutant | None:
    """Look up a 2017 code, a 2005 code, or an e1xxyy/e2xxyy process code; None if unknown."""
    found = POLLUTANTS.get(code) or POLLUTANTS_BY_2005_CODE.get(code)
    if found is not None:
        return found
    match = _PROCESS_CODE.fullmatch(code)
    if match is None:
        return None
    side, quantity, point = match.groups()
    en, zh, unit = _PROCESS_QUANTITIES[quantity]
    where_en, where_zh = ("inlet", "进口") if side == "1" else ("outlet", "出口")
    return Pollutant(code, None, f"{where_en} {en} (point {point})", f"{where_zh}{zh}", unit)
