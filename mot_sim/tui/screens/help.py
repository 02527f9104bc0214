"""Help: the five stages and how replies are scored, in a few lines."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Markdown

HELP = """\
# Moments of truth

A moment of truth is the few seconds in which a customer decides what your company is
worth. Only 4% of unhappy customers complain; the rest just leave. Each encounter has
five stages:

1. **Set the tone**: greet, give your name, acknowledge the feeling, take ownership.
2. **Diagnose**: ask open questions, listen, restate ("So if I understand you...").
3. **Solve**: offer options, concrete facts and times; promise only what you can keep.
4. **Summarise**: recap what was agreed, check it is understood, thank them.
5. **Follow up**: say when and how you will be in touch, and how to reach you.

## Scoring

Each reply scores 0-100 on **empathy**, **language** and **expectations**. Phrases the
course teaches earn points; phrases customers hate ("calm down", "company policy",
"at some point") cost points. Typos and British spelling are fine; "not" in front of a
phrase cancels it. A list of magic words scores little: say a sentence to a person.
The customer's mood follows your replies; if it sinks too low, they walk out.

**Practice** shows feedback after each reply; **exam** only at the end.

Keys: F1 opens this guide, F2 your history, Enter sends, Ctrl+J new line, Esc leaves an
encounter, Ctrl+P opens the command palette, Ctrl+Q quits. On the home screen: Ctrl+S
starts the chosen encounter, Ctrl+T switches between practice and exam, F3 joins a class.
"""

HELP_ZH = """\
# 关键时刻

关键时刻,就是客户决定你的公司值不值得信任的那几秒钟。不满意的客户只有 4% 会投诉,其余的
直接离开。每次接待分五个阶段:

1. **定基调**:问候,报上自己的名字,回应客户的感受,主动承担。
2. **诊断需求**:多问开放式问题,认真听,复述确认("您的意思是……")。
3. **解决问题**:给出选择、具体的事实和时间;只承诺做得到的事。
4. **总结确认**:复述约定的内容,确认客户听明白了,表示感谢。
5. **后续跟进**:说清楚什么时候、用什么方式联系客户,以及客户怎样找到你。

## 评分

每句回复按 **同理心**、**语言**、**期望管理** 打 0-100 分。课程教的说法加分;客户反感的说法
("您先冷静一下"、"这是公司规定"、"回头再说")扣分。繁体、简体都可以;在说法前加"不"会
取消它。只堆客套话得分很低:对人说一句完整的话。客户的情绪跟着你的回复变化;情绪太低,客户
就会离开。

**练习** 模式每句回复后给反馈;**考试** 模式只在最后给。

按键:F1 打开本指南,F2 查看练习记录,Enter 发送,Ctrl+J 换行,Esc 离开接待,
Ctrl+P 打开命令面板,Ctrl+Q 退出。在首页:Ctrl+S 开始所选的接待,
Ctrl+T 切换练习/考试模式,F3 加入课堂。
"""


class HelpScreen(ModalScreen[None]):
    """A short guide, closed with Escape; the arrow and page keys scroll it."""

    CSS_PATH = "../css/dialogs.tcss"

    BINDINGS = [Binding("escape", "dismiss", "Close"), Binding("f1", "dismiss", "Close")]

    def __init__(self, lang: str = "en") -> None:
        super().__init__()
        self.lang = lang

    def compose(self) -> ComposeResult:
        with Vertical(id="help"):
            # The text scrolls in its own focusable box, so the keyboard moves it; the
            # Close button stays in view below it at any terminal size.
            with VerticalScroll(id="help-body"):
                yield Markdown(HELP_ZH if self.lang == "zh" else HELP)
            yield Button("Close", id="close", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#help-body", VerticalScroll).focus()

    def on_button_pressed(self) -> None:
        self.dismiss()
