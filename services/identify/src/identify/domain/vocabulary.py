"""Codes for what staff type about a customer: occupation (职业), social standing (社会地位),
address area. Facts are stored and scored by code; the input also accepts each code's English
and Chinese names and synonyms, so "企业主", "私营企业主", "business owner" and "entrepreneur" are
one occupation. A value that matches nothing is refused (``UnknownTerm``), never scored 0.

The names here are for *reading input*. Labels shown to staff come from the i18n catalogues
(``identify.labels``); each label, Chinese or English, is one of the names too."""

import unicodedata
from enum import StrEnum
from typing import TypeVar

from identify.domain.refusals import Refused


class Occupation(StrEnum):
    ENTREPRENEUR = "entrepreneur"
    EXECUTIVE = "executive"
    DOCTOR = "doctor"
    LAWYER = "lawyer"
    PROFESSOR = "professor"
    CIVIL_SERVANT = "civil_servant"
    ENGINEER = "engineer"
    TEACHER = "teacher"
    FINANCE_PROFESSIONAL = "finance_professional"
    SELF_EMPLOYED = "self_employed"
    OFFICE_WORKER = "office_worker"
    WORKER = "worker"
    FARMER = "farmer"
    RETIRED = "retired"
    STUDENT = "student"
    OTHER = "other"


class SocialStanding(StrEnum):
    HIGH = "high"  # public figure, celebrity, senior official, known in the community
    NORMAL = "normal"


class AddressArea(StrEnum):
    HIGH_END_RESIDENTIAL = "high_end_residential"  # 高档住宅区
    HIGH_END_OFFICE = "high_end_office"  # 高级办公区
    ORDINARY = "ordinary"


# code → names staff may type: English first, then Chinese names and synonyms
OCCUPATION_NAMES: dict[Occupation, tuple[str, ...]] = {
    Occupation.ENTREPRENEUR: (
        "entrepreneur", "business owner", "company owner", "企业主", "私营企业主", "企业家",
        "老板", "民营企业家", "公司老板",
    ),
    Occupation.EXECUTIVE: (
        "executive", "senior manager", "manager", "企业高管", "高管", "高级管理人员", "总经理",
        "经理", "董事",
    ),
    Occupation.DOCTOR: ("doctor", "physician", "surgeon", "医生", "医师", "大夫", "主任医师"),
    Occupation.LAWYER: ("lawyer", "attorney", "律师"),
    Occupation.PROFESSOR: ("professor", "academic", "教授", "副教授", "大学教师", "研究员"),
    Occupation.CIVIL_SERVANT: ("civil servant", "government official", "公务员", "政府工作人员", "干部"),
    Occupation.ENGINEER: ("engineer", "software engineer", "工程师", "程序员", "技术人员"),
    Occupation.TEACHER: ("teacher", "教师", "老师", "中小学教师"),
    Occupation.FINANCE_PROFESSIONAL: (
        "finance professional", "banker", "accountant", "金融从业人员", "金融业", "会计师", "会计",
    ),
    Occupation.SELF_EMPLOYED: (
        "self-employed", "self employed", "shopkeeper", "个体户", "个体工商户", "自由职业",
    ),
    Occupation.OFFICE_WORKER: ("office worker", "clerk", "employee", "职员", "白领", "公司职员", "上班族"),
    Occupation.WORKER: ("worker", "factory worker", "labourer", "laborer", "工人", "职工", "务工人员"),
    Occupation.FARMER: ("farmer", "农民", "务农"),
    Occupation.RETIRED: ("retired", "retiree", "pensioner", "退休", "退休人员", "离退休人员"),
    Occupation.STUDENT: ("student", "学生", "大学生", "研究生"),
    Occupation.OTHER: ("other", "其他", "其它"),
}  # fmt: skip

SOCIAL_STANDING_NAMES: dict[SocialStanding, tuple[str, ...]] = {
    SocialStanding.HIGH: (
        "high", "prominent", "public figure", "celebrity", "高", "较高", "社会名流", "知名人士",
        "名人", "社会地位高",
    ),
    SocialStanding.NORMAL: ("normal", "ordinary", "一般", "普通", "社会地位一般"),
}  # fmt: skip

ADDRESS_AREA_NAMES: dict[AddressArea, tuple[str, ...]] = {
    AddressArea.HIGH_END_RESIDENTIAL: (
        "high_end_residential", "high-end residential", "high-end residence", "high-end residential area",
        "高档住宅区", "高档小区", "高档住宅",
    ),
    AddressArea.HIGH_END_OFFICE: (
        "high_end_office", "high-end office", "high-end office area", "高级办公区", "高档写字楼",
        "甲级写字楼",
    ),
    AddressArea.ORDINARY: ("ordinary", "ordinary area", "普通", "普通住宅区", "一般", "一般区域"),
}  # fmt: skip


C = TypeVar("C", bound=StrEnum)


class UnknownTerm(Refused, ValueError):
    """A value typed for ``field`` that matches no code, English name or Chinese name."""

    code = "vocabulary.unknown_term"

    def __init__(self, field: str, value: str, known: list[str]) -> None:
        self.field, self.value, self.known = field, value, known
        super().__init__(field=field, value=value, known=known)


def _key(text: str) -> str:
    """Compare as staff mean it: full-width forms folded (NFKC), case, spaces, '-' and '_' ignored."""
    folded = unicodedata.normalize("NFKC", text).casefold().strip()
    return "".join(ch for ch in folded if ch not in " -_\t")


def _index(names: dict[C, tuple[str, ...]]) -> dict[str, C]:
    index: dict[str, C] = {}
    for code, synonyms in names.items():
        for name in (code.value, *synonyms):
            other = index.setdefault(_key(name), code)
            assert other is code, f"{name!r} names both {other} and {code}"
    return index


_INDEXES: dict[type[StrEnum], tuple[str, dict[str, StrEnum]]] = {
    Occupation: ("occupation", _index(OCCUPATION_NAMES)),
    SocialStanding: ("social_standing", _index(SOCIAL_STANDING_NAMES)),
    AddressArea: ("address_area", _index(ADDRESS_AREA_NAMES)),
}


def parse_term(vocabulary: type[C], text: str) -> C:
    """The code ``text`` names (a code, or an English or Chinese name); ``UnknownTerm`` if none."""
    field, index = _INDEXES[vocabulary]
    found = index.get(_key(text))
    if found is None:
        raise UnknownTerm(field, text, [c.value for c in vocabulary])
    return found
