"""Chinese, the course's own language: what the course texts tell staff never to say is
caught, and what they recommend is not, in Simplified and in Traditional script; the three
Chinese encounters play end to end.

The sentences are written for these tests in the spirit of the course texts, not copied
from the rules' own examples: a rule tuned only to its examples would pass `mot-sim check`
and still miss what a trainee types.
"""

from __future__ import annotations

import pytest

from mot_sim.matching.analysis import Analysis, Context
from mot_sim.matching.detectors import DETECTORS

# -- detectors: what Chinese needed that the matcher could not express ----------------


@pytest.mark.parametrize(
    ("detector", "text", "expected"),
    [
        ("time_concrete", "周四上午10点我给您打电话", "周四上午10点"),
        ("time_concrete", "下午三点半前给您回复", "下午三点半前"),
        ("time_concrete", "三点前一定好", "三点前"),
        ("time_concrete", "周五中午十二点之前", "周五中午十二点之前"),
        ("time_concrete", "今晚八点联系您", "今晚八点"),
        ("time_concrete", "3月15号之前办好", "3月15号之前"),
        ("time_concrete", "一个月内到账", "一个月内"),
        ("money", "一片五分钱", "五分钱"),
        ("money", "两块五一份", "两块五"),
        ("money", "二十五美分的配菜", "二十五美分"),
        ("money", "几毛钱的事", "几毛钱"),
        ("customer_name", "埃利斯女士，您好", "埃利斯女士"),
        ("customer_name", "您好，埃利斯。", "埃利斯"),
        ("question_closed", "您这个月有没有出国？", "您这个月有没有出国？"),
        ("question_closed", "还是老样子吧？", "还是老样子吧？"),
    ],
)
def test_chinese_detectors_find(detector: str, text: str, expected: str) -> None:
    a = Analysis.of(text, Context("埃利斯太太", "小李", "zh"))
    found = [text[slice(*a.span(*r))] for r in DETECTORS[detector](a)]
    assert expected in found


@pytest.mark.parametrize(
    ("detector", "text"),
    [
        ("time_concrete", "给您多加一点"),  # "a little", not one o'clock
        ("time_concrete", "我有两点建议"),  # two points
        ("time_concrete", "这事一时半会儿好不了"),
        ("time_concrete", "请到15号窗口"),
        ("money", "我们一块想办法"),  # "together"
        ("money", "一块蛋糕"),
        ("money", "打五分的话"),
        ("question_closed", "您要什么？"),  # open
        ("question_closed", "好的。"),
    ],
)
def test_chinese_detectors_do_not_overfire(detector: str, text: str) -> None:
    a = Analysis.of(text, Context("埃利斯太太", "小李", "zh"))
    assert DETECTORS[detector](a) == []
