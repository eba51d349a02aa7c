"""Deterministic synthetic district for the benchmarks: areas, households and members.

Everything derives from one seed: the same seed gives the same villages, the same people and the same
resident ID numbers (GB 11643 check character, unique across the district) on every run and machine
(``random.Random`` seeded with strings is stable across processes; no ``hash()`` is used).

Members are produced in the shape of ``registry.excel.roster.validate.check_row``'s normalised values (codes,
``date`` objects, ``int`` shares), so the database writer and the workbook writer share one source.
"""
from __future__ import annotations

import csv
import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from registry.identity import check_character

ROOT = Path(__file__).resolve().parents[1]
DIVISIONS_CSV = ROOT / "imports" / "divisions.csv"
DISTRICT_CODE = "370305000000"
REFORM_DATE = dt.date(2019, 8, 10)

SURNAMES = ("王李张刘陈杨赵孙周吴徐马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭肖田董袁潘于蒋蔡杜叶程苏魏吕"
            "丁任沈姚卢姜崔钟谭陆汪范金石贾夏付方白邹孟秦邱江尹薛闫段雷侯史陶贺顾毛郝邵万钱武戴孔汤商"
            "边毕房宫韦翟隋鞠栾耿")
MALE = "建国华明伟军平海强涛磊鹏浩宇博文轩晨泽俊杰志勇庆兴旺德福成春永刚辉峰超亮斌彬龙飞家乐庆安"
FEMALE = "丽英芳秀兰红玉梅霞燕娟萱欣怡涵雨婷静敏慧琳颖佳倩雪洁凤娥桂琴艳萍玲丹彤悦瑶淑贞"
VILLAGE_PREFIX = "东西南北前后大小上下中新"
VILLAGE_SUFFIX = ("家庄", "庄", "家", "官庄", "店", "家村", "寨", "河", "营", "家屯", "岭", "家楼")
OTHER_REGIONS = ("370303", "370302", "370321", "370102", "370304")
OUTSIDE_PLACES = ("淄博市张店区科苑街道", "现役军人（户口已注销）", "山东理工大学（学生集体户）",
                  "淄博市临淄区辛店街道", "济南市历下区", "青岛市黄岛区")
_D = [Decimal(n) for n in range(40)]
HOUSEHOLD_SIZES = ((1, 12), (2, 25), (3, 30), (4, 20), (5, 9), (6, 4))


@dataclass(frozen=True)
class AreaRow:
    code: str
    name: str
    level: str
    parent_code: str | None


def areas(seed: int = 5, villages: int = 400) -> list[AreaRow]:
    """The district, its 12 towns (imports/divisions.csv) and about ``villages`` villages with 12-digit
    codes ``<town 9 digits>2NN``; the demo villages of divisions.csv keep their codes and names."""
    rows = list(csv.DictReader(DIVISIONS_CSV.read_text(encoding="utf-8-sig").splitlines()))
    out = [AreaRow(r["code"], r["name"], r["level"], r["parent_code"] or None)
           for r in rows if r["level"] in ("district", "town")]
    demo = {r["code"]: r["name"] for r in rows if r["level"] == "village"}
    towns = [a for a in out if a.level == "town"]
    rng = random.Random(f"{seed}:villages")
    used_names = set(demo.values())
    per_town = [villages // len(towns) + (1 if i < villages % len(towns) else 0) for i in range(len(towns))]
    for town, n in zip(towns, per_town):
        for k in range(1, n + 1):
            code = f"{town.code[:9]}2{k:02d}"
            name = demo.get(code)
            while name is None or (name in used_names and code not in demo):
                name = rng.choice(VILLAGE_PREFIX) + rng.choice(SURNAMES) + rng.choice(VILLAGE_SUFFIX) + "村"
            used_names.add(name)
            out.append(AreaRow(code, name, "village", town.code))
    return out


def village_sizes(village_codes: list[str], members: int, seed: int = 5) -> dict[str, int]:
    """Member count per village (uneven, 0.4×–1.6× the mean), summing exactly to ``members``."""
    rng = random.Random(f"{seed}:sizes")
    weights = [rng.uniform(0.4, 1.6) for _ in village_codes]
    total = sum(weights)
    sizes = [max(1, int(members * w / total)) for w in weights]
    sizes[-1] += members - sum(sizes)
    return dict(zip(village_codes, sizes))


class People:
    """Generates households and members; one instance per district keeps resident IDs unique."""

    def __init__(self, seed: int = 5) -> None:
        self.seed = seed
        self.used_ids: set[str] = set()

    def _id(self, rng: random.Random, born: dt.date, sex: str, region: str) -> str:
        while True:
            seq = rng.randrange(0, 500) * 2 + (1 if sex == "1" else 0)  # 17th digit odd = male
            body = f"{region}{born:%Y%m%d}{seq:03d}"
            number = body + check_character(body)
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number

    @staticmethod
    def _born(rng: random.Random, year_from: int, year_to: int) -> dt.date:
        year = min(max(year_from, 1925), year_to, 2023)
        year = rng.randint(year, max(year, min(year_to, 2023)))
        return dt.date(year, rng.randint(1, 12), rng.randint(1, 28))

    def _name(self, rng: random.Random, surname: str, sex: str) -> str:
        chars = MALE if sex == "1" else FEMALE
        given = rng.choice(chars) + (rng.choice(chars) if rng.random() < 0.8 else "")
        return surname + given

    def village(self, code: str, village_name: str, town_name: str, size: int) -> Iterator[dict]:
        """Yield ``size`` member rows of one village, household by household (head first)."""
        rng = random.Random(f"{self.seed}:{code}")
        home = f"淄博市临淄区{town_name}{village_name}"
        produced, number = 0, 0
        population = [s for s, _ in HOUSEHOLD_SIZES]
        weights = [w for _, w in HOUSEHOLD_SIZES]
        while produced < size:
            number += 1
            hh_size = min(rng.choices(population, weights)[0], size - produced)
            group = rng.randint(1, 8)
            members = self._household(rng, hh_size)
            head_name = members[0][1]
            for relation, name, sex, born, region in members:
                produced += 1
                yield self._member(rng, code, number, group, head_name, relation, name, sex, born, region, home)

    def _household(self, rng: random.Random, size: int) -> list[tuple]:
        surname = rng.choice(SURNAMES)
        head_sex = "1" if rng.random() < 0.88 else "2"
        head_born = self._born(rng, 1935, 1995)
        out = [("02", self._name(rng, surname, head_sex), head_sex, head_born, "370305")]
        if size >= 2:
            sex = "2" if head_sex == "1" else "1"
            region = "370305" if rng.random() < 0.7 else rng.choice(OTHER_REGIONS)
            out.append(("10", self._name(rng, rng.choice(SURNAMES), sex), sex,
                        self._born(rng, head_born.year - 4, head_born.year + 4), region))
        child_from = head_born.year + 22
        while len(out) < size:
            k = len(out)
            if k == 4 and size >= 5 and out[2][0] == "20":  # the eldest son's wife, then grandchildren
                out.append(("38", self._name(rng, rng.choice(SURNAMES), "2"), "2",
                            self._born(rng, out[2][3].year - 3, out[2][3].year + 3), rng.choice(OTHER_REGIONS)))
                continue
            sex = "1" if rng.random() < 0.52 else "2"
            if k >= 5:
                out.append(("41" if sex == "1" else "42", self._name(rng, surname, sex), sex,
                            self._born(rng, out[2][3].year + 22, out[2][3].year + 32), "370305"))
            else:
                out.append(("20" if sex == "1" else "30", self._name(rng, surname, sex), sex,
                            self._born(rng, child_from, child_from + 14), "370305"))
        return out

    def _member(self, rng, code, number, group, head_name, relation, name, sex, born, region, home) -> dict:
        id_number = self._id(rng, born, sex, region)
        age = 2024 - born.year
        inside = rng.random() >= 0.08
        if born > REFORM_DATE:
            ground, acquired = "birth", born
        elif relation in ("10", "38") and rng.random() < 0.3:
            ground, acquired = "marriage", dt.date(min(born.year + 24, 2019), rng.randint(1, 12), rng.randint(1, 28))
        else:
            ground, acquired = "reform", REFORM_DATE
        remark = None
        if not inside:
            remark = rng.choice(("外嫁女", "在校大学生", "军人", None))
        farm_age = max(0, min(2019 - born.year - 16, 30))
        return {
            "village_code": code, "household_no": f"{number:04d}", "group": f"{group:02d}",
            "head_name": head_name, "name": name, "sex": sex,
            "id_type": "4" if age < 16 and rng.random() < 0.5 else "1", "id_number": id_number,
            "relation": relation, "birth_date": born,
            "hukou_place": home if inside else rng.choice(OUTSIDE_PLACES), "hukou_in_village": inside,
            "status": "confirmed",
            "acquisition_ground": ground, "acquired_at": acquired, "remark": remark,
            "population_shares": _D[1], "farm_age_shares": _D[farm_age], "total_shares": _D[1 + farm_age],
            "phone": f"1380{rng.randrange(10**7):07d}" if relation == "02" else None,
            "notes": "户口迁至城区，保留成员资格" if not inside and remark is None else None,
        }
