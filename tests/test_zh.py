"""Chinese, the course's own language: what the course texts tell staff never to say is
caught, and what they recommend is not, in Simplified and in Traditional script; the three
Chinese encounters play end to end.

The sentences are written for these tests in the spirit of the course texts, not copied
from the rules' own examples: a rule tuned only to its examples would pass `mot-sim check`
and still miss what a trainee types.
"""

from __future__ import annotations

import opencc
import pytest

from mot_sim.catalog import Catalog
from mot_sim.checks import probe_scenario
from mot_sim.engine import Encounter
from mot_sim.matching.analysis import Analysis, Context
from mot_sim.matching.detectors import DETECTORS
from mot_sim.models import Scenario
from mot_sim.scoring import Scorer
from mot_sim.stages import STAGE_IDS

_S2T = opencc.OpenCC("s2t")
ZH_IDS = ("pickle_request_zh", "lamborghini_repair_zh", "complaint_call_zh")

# What the courses tell staff to avoid, by the rule that must catch it: at least two
# wordings each, none of them a rule's own example.
AVOID: dict[str, list[str]] = {
    # "公司规定…" "我们一直是这样的…": internal rules as a shield.
    "zh_policy": [
        "不好意思，这是我们店里的规定，加料一律另算。",
        "我们向来都是这么收费的，谁来都一样。",
        "电脑系统不让我改这个订单。",
        "根据公司制度，改装车不在保修范围内。",
    ],
    # "这不在我的工作职责之内，这不归我的部门负责。"
    "zh_not_my_job": [
        "这不在我的职责范围内，您找别的部门吧。",
        "账单的事不归我们这边管。",
        "您自己去问营业厅吧，我们只管售后。",
    ],
    # "Calm down": any wording of it dismisses the feeling.
    "zh_calm_down": [
        "先生，请您冷静点，我们好好谈。",
        "您别这么激动行不行？",
        "大吵大闹也没用，您声音小一点。",
        "先生，有事说事，别在这儿大喊大叫的。",
    ],
    # "你错了，不是那样的！"
    "zh_you_are_wrong": [
        "您搞错了，我们从来没收过这笔钱。",
        "不是您说的那样，裂口早就在那儿了。",
        "您肯定是误会了，账单没问题。",
    ],
    # "不确定的词语：到时候…"
    "zh_vague_time": [
        "等有结果了我们再联系您吧。",
        "到时候会给您一个说法的。",
        "这事过几天再看看。",
        "我们会尽快给您答复。",
        "等领导批了我们再通知您。",
    ],
    # "我会将你的意见向领导反映，尽快给你一个答复！"
    "zh_brush_off": [
        "我会将您的意见向领导反映，尽快给您一个答复！",
        "这个情况我帮您转达给主管。",
        "后台会有专人跟进处理的。",
    ],
    # "很抱歉没有及时回复你的电话，但我实在是太忙了。"
    "zh_busy_excuse": [
        "很抱歉没有及时回复您的电话，但我实在是太忙了。",
        "这两天报修的客户太多了，我们忙得顾不过来。",
        "今天店里就我一个人，您多担待。",
    ],
    # Blaming the customer (the Lamborghini lesson: never shift blame in a crisis).
    "zh_blame_customer": [
        "这只能怪您自己，出国前没把漫游关了。",
        "您当时就该先看清楚套餐说明。",
        "肯定是您开车的时候自己蹭到了。",
        # 不小心 is "careless", one word: its 不 negates nothing inside the blame.
        "可能是您自己不小心开了什么套餐吧。",
    ],
    # "我们是专业的，不会出错": denying all fault.
    "zh_deny_fault": [
        "我们的计费系统从来不会算错。",
        "这跟我们维修站没有关系。",
        "保险杠的裂口之前就有了，不是我们的问题。",
    ],
    # "你要把身份证复印件给我，才可以办理本项业务。" "你必须……做。"
    "zh_demand": [
        "你要把身份证复印件给我，才可以办理本项业务。",
        "您必须先把维修单签了。",
        "得您先交押金，我们才能动工。",
    ],
    # "您说得很有道理，我非常赞同您的观点，但是…"
    "zh_yes_but": [
        "您说得很有道理，我非常赞同您的观点，但是我们也没办法。",
        "我明白您的意思，可是规定就是这样。",
        "您说的没错，不过这笔钱还是得您出。",
    ],
    # "表示否定意愿的话：没有…"
    "zh_flat_no": [
        "这个我们不提供，您别处看看吧。",
        "加料做不了，没有办法。",
        "全额退款是不可能的。",
    ],
    # "不知道"
    "zh_dont_know": [
        "这我真不知道。",
        "为什么会多出这么多，我也搞不清。",
        "我也说不好是怎么回事。",
    ],
    # "我是新来的，我不清楚。"
    "zh_new_here": [
        "我是新来的，这个我不太懂。",
        "我才来没几天，系统还不太熟。",
        "不好意思，我还是实习生。",
    ],
    # "你排错队了，得到那边去排队。"
    "zh_wrong_line": [
        "你排错队了，得到那边去排队。",
        "这个窗口只受理缴费，办退款您去营业厅。",
        "您找错部门了。",
    ],
    # "你要知道…": lecturing.
    "zh_lecture": [
        "你要知道，出国用流量本来就很贵。",
        "这个我已经跟您解释过了。",
        "合同上写得清清楚楚的。",
    ],
    # "对不起，让你久等了。"
    "zh_sorry_waiting": [
        "对不起，让你久等了。",
        "不好意思，让您等了半天。",
        "抱歉抱歉，让您久等。",
    ],
    # "多谢惠顾。"
    "zh_business_thanks": [
        "多谢惠顾，欢迎再来。",
        "感谢您的消费。",
        "好的，谢谢光临。",
    ],
    # "您是我们尊贵的客户": a company talking to an account, not to this person.
    "zh_valued_customer": [
        "您放心，您可是我们店的贵宾级重要客户。",
        "对于您反映的情况，我们一定会高度重视。",
        "我们一直竭诚为每位顾客服务。",
    ],
    # "我们要等收到支票后才能供货。"
    "zh_distrust": [
        "我们要等收到支票后才能供货。",
        "等您的钱到账之后我们才会发车。",
        "除非您先签字，不然我们没法修。",
    ],
    # "大地公司那么大，客户少一个不少，多一个也不多。"
    "zh_dismiss_customer": [
        "大地公司那么大，客户少一个不少，多一个也不多。",
        "不满意您可以去别家，我们不缺客户。",
        "爱修不修，随便您。",
    ],
    # Promising what cannot be guaranteed (the gap between promise and delivery).
    "zh_over_promise": [
        "我跟您打包票，这种事以后绝对不会再发生。",
        "所有费用都由我们来承担，您什么都不用管。",
        "修完保证跟新车一样。",
    ],
    # Making the customer's concern small.
    "zh_minimise": [
        "不就是多了一百多块钱嘛。",
        "一点小划痕而已，至于吗？",
        "这都是鸡毛蒜皮的小事。",
    ],
    # Sarcasm and contempt.
    "zh_mock": [
        "哟，您这要求可真讲究。",
        "难道我们还会赖账不成？",
        "呵呵，那您说怎么办吧。",
    ],
    # Mock exaggeration: the small request blown up.
    "zh_mock_exaggeration": [
        "就一片黄瓜，没有它我们可怎么活。",
        "放心，肯定不会拖到下辈子。",
    ],
    # Rushing the customer.
    "zh_hurry": [
        "您有话快说，我这儿忙着呢。",
        "后面还有人排队，您赶紧说。",
        "想好了没？到底要不要？",
    ],
    # "您应该知道…": a lecture, even with a question after it.
    "zh_should_know": [
        "漫游是另算的，您应该清楚，这个月您出门了吗？",
        "这点常识您早该明白了。",
    ],
    # "按规定不能…": a refusal read out of the rules.
    "zh_policy_no": [
        "这笔费用按公司规定不能减免。",
        "根据流程没法给您改。",
    ],
    # Charges nobody asked for: 手续费, 保管费, 每月多收.
    "zh_charge_extra": [
        "退款的话要扣8元手续费。",
        "车放我们这儿，每天收150保管费。",
    ],
    # A call-back promised with its own way out.
    "zh_hedged_callback": [
        "我周五尽量回您，要是没打给您，您就自己打客服问。",
        "到时候我没回电，您找投诉部就好。",
    ],
    # Abbreviations the customer cannot read.
    "zh_jargon": [
        "我先调一下您的ARPU数据。",
        "车要先接OBD读故障码。",
    ],
}

# What the courses recommend, by the good rule it must earn; none of these may be taken
# for a phrase to avoid.
RECOMMEND: dict[str, list[str]] = {
    # "顾客的名字"
    "zh_customer_name": ["王女士，欢迎您又来了。", "好的王女士，我记下了。"],
    # "礼貌用语：你好，谢谢，对不起"
    "zh_greeting": ["您好，很高兴为您服务。", "早上好，欢迎光临！"],
    "zh_thanks": ["好的，谢谢您！", "太感谢了，您稍等。"],
    "zh_apologise": ["这件事是我们没做好，真的很抱歉。", "对不起，给您添麻烦了。"],
    # "我们可以尝试…"
    "zh_willingness": ["我们可以尝试换一个方案。", "当然可以，我很乐意帮您。"],
    # "您有什么建议吗？"
    "zh_invite_participation": ["您有什么建议吗？", "您觉得哪种方式对您最方便？"],
    # "您可以放心。"
    "zh_reassure": ["您可以放心，这件事我负责到底。", "请您放心，退款一定会到账。"],
    # "在星期三之前，我们一定…"
    "zh_time_concrete": ["在星期三之前，我们一定给您答复。", "今天下午四点前给您回电话。"],
    # "我们一收到支票就立刻供货。"
    "zh_explain_process": ["我们一收到支票就立刻供货。", "报告一出来，我马上发给您。"],
    # "我们公司××部的××能够帮你解决这个问题…我会帮你转过去。"
    "zh_warm_handover": [
        "我们公司财务部的刘经理能够帮您解决这个问题，我先跟她说明情况，再帮您转过去。",
        "这里办不了退货，不过那边退货柜台的同事会帮您处理好，我带您过去。",
    ],
    # "谢谢你的耐心等待。"
    "zh_thank_patience": ["谢谢你的耐心等待。", "感谢您一直耐心等候。"],
    # "对不起，我应该尽早回你电话的。我马上看有什么办法…"
    "zh_ownership": [
        "对不起，我应该尽早回您电话的。我马上看看有什么办法能解决您的问题。",
        "这件事由我来跟进，您不用再跑一趟。",
    ],
    # "谢谢你选择购买我们的车，希望这辆新车能够陪伴你和你的家人…"
    "zh_personal_thanks": [
        "谢谢您选择购买我们的车，希望这辆新车陪伴您和家人度过更多愉快的旅程。",
        "谢谢您这么多年一直支持我们。",
    ],
    # Acknowledge the feeling (instead of "calm down") and the view (instead of "you're wrong").
    "zh_acknowledge": ["我明白您为什么这么生气。", "遇到这种事，换成谁都会很恼火。"],
    "zh_their_shoes": ["要是我是您，也会觉得不公平。", "站在您的立场上，这确实很难接受。"],
    # "把'你-我'状态变为'我们'状态"
    "zh_work_together": ["我们一起来看看问题出在哪儿。", "我陪您一起把详单对一遍。"],
    # Diagnose: ask, listen, restate.
    "zh_question_open": ["您平时主要用手机做什么呢？", "当时车是怎么被拖走的？"],
    "zh_question_closed": ["您上周末出过境吗？", "拖车来的时候您在现场，对吗？"],
    "zh_restate": [
        "您的意思是，这个月的话费比平时多了一倍多？",
        "如果我没听错，您是希望先把车修好再谈费用。",
    ],
    "zh_invite_to_talk": ["您慢慢讲，我都听着。", "能跟我说说当时具体的情况吗？"],
    # Solve: options and facts.
    "zh_offer_options": ["可以给您减免一半，或者换成出境流量包。", "我这边有两个方案，您挑一个。"],
    "zh_concrete_facts": ["这笔费用是130元。", "详单上显示是周六在香港产生的流量。"],
    "zh_goodwill": ["这次的喷漆费用我们免费承担。", "作为补偿，送您一张代金券。"],
    # Summarise.
    "zh_recap": ["我们刚才商定的是：周二检测，周五给答复。", "我简单总结一下今天谈好的事情。"],
    "zh_check_understanding": ["这样安排您看可以吗？", "我说清楚了吗？"],
    "zh_invite_questions": ["您还有什么疑问吗？", "还有哪里不明白的，您随时问我。"],
    # Follow up.
    "zh_follow_up_channel": ["明天上午我给您打电话说结果。", "今天下午处理完，我会发短信通知您。"],
    "zh_direct_contact": ["这是我的工号和直线电话。", "有任何问题随时打给我。"],
    "zh_see_you_again": ["下周见，我们等您再来！", "欢迎您下次再来。", "好的，周一见！"],
    "zh_self_intro": ["您好，我叫李明，是这家店的店长。", "我是客服专员小周。"],
    "zh_thank_for_raising": ["谢谢您把这个问题告诉我们。", "感谢您特意打电话来反映。"],
}


@pytest.fixture(scope="module")
def probe(catalog: Catalog) -> Scenario:
    """A bare zh scenario: the zh library rules alone, customer 王丽."""
    return probe_scenario(catalog.library, "zh")


def fired(scorer: Scorer, scenario: Scenario, text: str) -> tuple[set[str], set[str]]:
    """(good rules, bad rules) that count on ``text`` in any stage."""
    hits = [h for h in scorer.matches(scenario, text, "小李") if not h.ignored]
    good = {h.rule.id for h in hits if h.rule.polarity == "good"}
    bad = {h.rule.id for h in hits if h.rule.polarity == "bad"}
    return good, bad


def both_scripts(text: str) -> list[str]:
    traditional = _S2T.convert(text)
    assert traditional != text or not any("\u4e00" <= c <= "\u9fff" for c in text), text
    return [text, traditional]


def test_every_rule_the_tests_name_is_a_zh_library_rule(catalog: Catalog) -> None:
    zh = {r.id: r for r in catalog.library.rules if r.locale == "zh"}
    assert set(AVOID) <= {i for i, r in zh.items() if r.polarity == "bad"}
    assert set(RECOMMEND) <= {i for i, r in zh.items() if r.polarity == "good"}
    # Every phrase to avoid in the library is tested here, with at least two wordings (the
    # learned rule has no phrases: tests/test_learned.py tests it).
    assert {i for i, r in zh.items() if r.polarity == "bad" and not r.learned} == set(AVOID)
    assert all(len(v) >= 2 for v in (*AVOID.values(), *RECOMMEND.values()))


@pytest.mark.parametrize(
    ("rule", "text"), [(rule, text) for rule, texts in AVOID.items() for text in texts]
)
def test_what_the_course_says_to_avoid_is_caught_in_both_scripts(
    scorer: Scorer, probe: Scenario, rule: str, text: str
) -> None:
    for variant in both_scripts(text):
        _, bad = fired(scorer, probe, variant)
        assert rule in bad, (variant, bad)


@pytest.mark.parametrize(
    ("rule", "text"), [(rule, text) for rule, texts in RECOMMEND.items() for text in texts]
)
def test_what_the_course_recommends_earns_its_rule_and_no_blame(
    scorer: Scorer, probe: Scenario, rule: str, text: str
) -> None:
    for variant in both_scripts(text):
        good, bad = fired(scorer, probe, variant)
        assert rule in good, (variant, good)
        assert not bad, (variant, bad)


def test_taiwan_forms_opencc_leaves_alone_still_match(scorer: Scorer, probe: Scenario) -> None:
    """OpenCC keeps 著 and 帳 (valid Simplified characters), so the lexicon lists them."""
    good, _ = fired(scorer, probe, "我能理解您有多著急。")
    assert "zh_acknowledge" in good
    good, _ = fired(scorer, probe, "帳單上顯示有一筆漫遊費。")
    assert "zh_concrete_facts" in good
    # 妳 (你 said to a woman) is folded to 你, so no rule spells it twice.
    for you in ("你", "妳"):
        good, _ = fired(scorer, probe, f"好的，马上帮{you}加一片。")
        assert "zh_positive_can" in good, you


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        # A negation that governs the phrase sets it aside.
        ("这又不是什么公司规定，我当然给您加上。", "zh_policy"),
        ("不是您的错，我们一起查。", "zh_you_are_wrong"),
        # Reassurance and "don't rush to sign" are not "calm down".
        ("您先别担心，我这就帮您核对。", "zh_calm_down"),
        ("您先别急着签字，这事我来处理。", "zh_calm_down"),
        # An honest "not yet known" that points to the inspection is not "I don't know".
        ("现在还说不好，要等专家检测的结果。", "zh_dont_know"),
        # A concrete time is not vague; "see you later" is not a promise.
        ("到时候我提前一天，也就是周四下午3点给您打电话。", "zh_vague_time"),
        ("好的，回头见！", "zh_vague_time"),
        # The course's own way of saying "not here": name the desk and walk them over.
        (
            "很遗憾，我这里处理不了，您移步到那边的退货柜台，那里的同事会帮您妥善处理。",
            "zh_flat_no",
        ),
        (
            "很遗憾，我这里处理不了，您移步到那边的退货柜台，那里的同事会帮您妥善处理。",
            "zh_wrong_line",
        ),
        # A polite request that explains the benefit is not a demand.
        ("为了尽快帮您办好，麻烦您出示一下身份证，好吗？", "zh_demand"),
        # "Never again" about one's own call-back, with a time, is not a sweeping promise.
        ("这次一定不会再让您白等，周四上午10点我亲自给您打电话。", "zh_over_promise"),
        # "没问题，小事一桩" says yes; it does not belittle.
        ("没问题，小事一桩，我马上给您加。", "zh_minimise"),
        # Sincere praise (recommended for emotional customers) is not sarcasm.
        ("您真细心，账单看得这么仔细。", "zh_mock"),
    ],
)
def test_near_misses_are_not_accused(scorer: Scorer, probe: Scenario, text: str, rule: str) -> None:
    for variant in both_scripts(text):
        _, bad = fired(scorer, probe, variant)
        assert rule not in bad, (variant, bad)


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
        ("time_vague", "结果出来后我们会适时跟您联系", "适时"),
        ("time_vague", "在合适的时候通知您", "合适的时候"),
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


# -- the three Chinese encounters ------------------------------------------------------


def test_the_three_chinese_encounters_ship(catalog: Catalog) -> None:
    for sid in ZH_IDS:
        scenario = catalog.get(sid).scenario
        english = catalog.get(sid.removesuffix("_zh")).scenario
        assert scenario.locale == "zh"
        # The same traps and the same goals, stage by stage, as the English original.
        assert {r.id for r in scenario.rules} == {r.id for r in english.rules}, sid
        for stage in STAGE_IDS:
            assert [g.id for g in scenario.stage(stage).goals] == [
                g.id for g in english.stage(stage).goals
            ], (sid, stage)
        assert all(len([e for e in scenario.examples if e.stage == s]) >= 4 for s in STAGE_IDS), sid
        # Every goal names only rules the scenario's own locale can fire.
        zh_rules = {r.id for r in catalog.library.rules if r.locale == "zh"}
        own = {r.id for r in scenario.rules}
        for stage in STAGE_IDS:
            for goal in scenario.stage(stage).goals:
                assert set(goal.rules) <= zh_rules | own, (sid, stage, goal.id)


@pytest.mark.parametrize("sid", ZH_IDS)
def test_chinese_encounter_passes_with_its_model_answers(
    catalog: Catalog, scorer: Scorer, sid: str
) -> None:
    enc = Encounter(catalog.get(sid).scenario, scorer, "小李")
    for stage in STAGE_IDS:
        turn = enc.answer(enc.model_answers(stage)[0])
        assert turn.result.outcome == "good" and not turn.result.bad_hits, (stage, turn.result)
    res = enc.result()
    assert enc.status == "completed" and res.passed and res.overall >= 80, res


POOR: dict[str, list[str]] = {
    "pickle_request_zh": [
        "加料要另外收钱的。",
        "您得理解，我们的配方就是两片。",
        "可以卖您一片，五分钱。",
        "就这样，多谢惠顾。",
        "随便吧。",
    ],
    "lamborghini_repair_zh": [
        "您先冷静一下，吵也没用。",
        "这是您自己的问题，改装车出问题很正常。",
        "到时候再说吧。",
        "我已经跟您说过了。",
        "有消息会有人通知您。",
    ],
    "complaint_call_zh": [
        "账单是系统自动生成的，不会错。",
        "您肯定是自己用了流量。",
        "这都是您自己用的，这是公司规定。",
        "到时候自然就好了。",
        "回头会有人给您回电话。",
    ],
}


@pytest.mark.parametrize("sid", ZH_IDS)
def test_chinese_encounter_fails_or_walks_out_with_poor_replies(
    catalog: Catalog, scorer: Scorer, sid: str
) -> None:
    enc = Encounter(catalog.get(sid).scenario, scorer, "小李")
    for reply in POOR[sid]:
        if enc.is_over:
            break
        enc.answer(reply)
    res = enc.result()
    assert res.walked_out or not res.passed, res
    if res.walked_out:
        assert enc.turns[-1].reaction == enc.render(enc.scenario.customer.walk_out_line)


def test_a_string_of_chinese_apologies_is_a_list_not_an_answer(
    catalog: Catalog, scorer: Scorer
) -> None:
    """Characters count half a word: "真的非常抱歉" is a stock fragment like "so sorry"."""
    sc = catalog.get("complaint_call_zh").scenario
    text = "王女士您好，非常抱歉，非常抱歉，真的非常抱歉，不好意思，抱歉。"
    res = scorer.score(sc, "set_tone", text, "小李")
    assert res.is_list and res.score < 45, res


def test_chinese_typed_with_spaces_for_commas_is_read_clause_by_clause(
    catalog: Catalog, scorer: Scorer
) -> None:
    """A space between Chinese characters stands for a comma: "谢谢 慢走 ..." is five stock
    fragments, as it is with commas; a quote mark is not a space."""
    sc = catalog.get("pickle_request_zh").scenario
    spaced = "谢谢 慢走 欢迎下次光临 谢谢 慢走"
    commas = "谢谢，慢走，欢迎下次光临，谢谢，慢走"
    for text in (spaced, commas):
        res = scorer.score(sc, "follow_up", text, "小李")
        assert res.is_list and res.score < 45, (text, res)
    a = Analysis.of(spaced, Context("埃利斯太太", "小李", "zh"))
    assert len(set(a.wclause)) == 5
    quoted = Analysis.of("系统里没有“加一片”这个选项", Context("埃利斯太太", "小李", "zh"))
    assert len(set(quoted.wclause)) == 1


def test_cantonese_negators_and_ascii_quotes_reject_a_charge(
    scorer: Scorer, catalog: Catalog
) -> None:
    sc = catalog.get("pickle_request_zh").scenario
    for text in (
        "即係三文治入面多一片，唔使另外單點一份，係咪？",  # 唔使: no need to
        "放心，我不会跟您说什么'只能单卖一份'的。",  # quoted to reject it
        "放心，我不会跟您说什么‘只能单卖一份’的。",  # curly single quotes too
    ):
        hits = [h for h in scorer.matches(sc, text, "小李", "diagnose") if not h.ignored]
        assert "charge_courtesy" not in {h.rule.id for h in hits}, text
    hits = [
        h.rule.id
        for h in scorer.matches(sc, "要另外单点一份。", "小李", "diagnose")
        if not h.ignored
    ]
    assert "charge_courtesy" in hits


def test_back_to_back_curly_quotes_are_each_rejected(scorer: Scorer, catalog: Catalog) -> None:
    # The second of two quotes in a row opens right after the first closes: it was not
    # read as a quote, and the vague time it rejects was counted against the trainee.
    sc = catalog.get("lamborghini_repair_zh").scenario
    text = "我不会跟您说“尽快”“过段时间”这种话，周五前给您答复。"
    hits = {h.rule.id: h for h in scorer.matches(sc, text, "小李", "solve")}
    assert hits["zh_vague_time"].ignored.startswith("quoted"), hits["zh_vague_time"]
    said = scorer.matches(sc, "我们过段时间再说。", "小李", "solve")
    assert any(h.rule.id == "zh_vague_time" and not h.ignored for h in said)


def test_charging_for_the_pickle_walks_her_out(catalog: Catalog, scorer: Scorer) -> None:
    """The real case: offered one slice for five cents, she took her purse and left."""
    enc = Encounter(catalog.get("pickle_request_zh").scenario, scorer, "小李")
    enc.answer("埃利斯太太，下午好！")
    enc.answer("您是要多加一片，对吗？")
    turn = enc.answer("我可以卖给您一片酸黄瓜，五分钱。")
    assert "charge_courtesy" in {h.rule for h in turn.result.hits}
    assert enc.status == "walked_out" and "钱包" in turn.reaction


def test_a_chinese_customer_quotes_the_promised_time(catalog: Catalog, scorer: Scorer) -> None:
    enc = Encounter(catalog.get("complaint_call_zh").scenario, scorer, "小李")
    for stage in STAGE_IDS[:-1]:
        enc.answer(enc.model_answers(stage)[0])
    turn = enc.answer("很抱歉上次的事。下周二下午5点前我亲自给您打电话，这是我的直线号码。")
    assert turn.result.outcome == "good"
    assert "周二下午5点前" in turn.reaction


def test_the_bill_customer_mentions_her_trip_only_when_asked(
    catalog: Catalog, scorer: Scorer
) -> None:
    opening = "李女士您好，我是小李，很抱歉让您着急了。"
    asked = Encounter(catalog.get("complaint_call_zh").scenario, scorer, "小李")
    asked.answer(opening)
    asked.answer("这个月您用手机和平时相比有什么不一样的地方吗？")
    assert "香港" in asked.customer_lines()[0]
    told = Encounter(catalog.get("complaint_call_zh").scenario, scorer, "小李")
    told.answer(opening)
    told.answer("好的，请稍等。")
    assert "什么都没变" in told.customer_lines()[0] and "香港" not in told.customer_lines()[0]
