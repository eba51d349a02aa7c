"""Chinese labels of the transaction types and states (DOMAIN §2.7, §2.9, §6.3), one table used by the
pages, the .xlsx register and the CLI. The codes are ``registry.models.transfers.TRANSFER_TYPES`` /
``TRANSFER_STATES``."""
from __future__ import annotations

from types import MappingProxyType

TYPE_LABELS = MappingProxyType({
    "share_transfer": "股份转让",
    "share_gift": "股份赠与",
    "share_buyback": "股份赎回",
    "share_inheritance": "股份继承",
    "homestead_transfer": "宅基地转让",
    "homestead_withdrawal": "宅基地有偿退出",
    "land_exchange": "土地承包经营权互换",
    "land_transfer": "土地承包经营权转让",
    "land_return": "承包地自愿交回",
    "membership_withdrawal": "成员自愿退出（有偿）",
})

STATE_LABELS = MappingProxyType({
    "draft": "草稿",
    "consented": "村级已同意（待乡镇审核）",
    "recorded": "已登记生效",
    "returned": "乡镇退回",
    "withdrawn": "已撤回",
    "rejected": "已驳回",
})

#: The audit actions of the workflow (``transfers.<action>``) as the history shows them.
ACTION_LABELS = MappingProxyType({
    "draft": "起草", "consent": "村级同意/决议", "record": "乡镇登记生效", "return": "乡镇退回",
    "withdraw": "撤回", "reject": "驳回", "attach": "补录申请书/决议",
})

#: The types whose object goes back to the organisation (no recipient household or person).
TO_ORGANIZATION = ("share_buyback", "homestead_withdrawal", "land_return", "membership_withdrawal")


def object_kind(type_code: str) -> str:
    """"share" | "homestead" | "land" | "membership" (an Art. 16 withdrawal) for a type code."""
    for kind in ("share", "homestead", "land"):
        if type_code.startswith(kind):
            return kind
    return "membership"
