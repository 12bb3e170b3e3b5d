"""The trainee's 课堂测验 tab and the trainer's console without a browser: their callbacks are plain
methods, called here as the buttons would call them, two trainees and a trainer on one real file."""

from __future__ import annotations

import json
import os

import pytest

from jihua_kit.classes.quiz_widget import ClassQuiz, class_tabs
from jihua_kit.classes.store import ClassStore
from jihua_kit.classes.trainer import TrainerApp, distribution, distribution_html
from jihua_kit.core.i18n import t

from .class_fixtures import new_session, right_answer, run_python, wrong_answer

pytest.importorskip("ipywidgets")


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "班.sqlite"
    new_session(path).close()
    return path


@pytest.fixture
def room(db):
    """A trainer and two trainees who have joined (seats 1 and 2)."""
    trainer = TrainerApp(db, "测试班", "http://192.168.1.5:8866/?token=abc")
    a, b = ClassQuiz(db, "测试班"), ClassQuiz(db, "测试班")
    a.join("1", "张三")
    b.join(2, "李四")
    return trainer, a, b


def _first(trainer, kind):
    return next(k.number for k in trainer._store().keys().values() if k.kind == kind)


# --- the trainee's tab ---------------------------------------------------------------------------------


def test_no_tab_outside_a_class_session_and_one_inside(db):
    assert class_tabs(environ={}) == []
    ((title, widget),) = class_tabs(environ={"JIHUA_CLASS_DB": str(db), "JIHUA_CLASS_SESSION": "测试班"})
    assert title == "课堂测验" and widget is not None


@pytest.mark.parametrize(
    ("seat", "name", "expected"),
    [("", "张三", "请填写座号"), ("12", "  ", "请填写姓名"), ("12", "张" * 21, "姓名最多 20 个字"),
     ("十二", "张三", "座号要填 1 到 999 之间的整数"), ("0", "张三", "座号要填 1 到 999 之间的整数")],
)  # fmt: skip
def test_join_refuses_bad_input_in_chinese(db, seat, name, expected):
    page = ClassQuiz(db)
    html = page.join(seat, name)
    assert "jihua-error" in html and expected in html
    assert page.seat is None and page.quiz_box.layout.display == "none"
    with ClassStore.open(db) as s:
        assert s.trainees() == []


def test_a_taken_seat_asks_the_second_trainee_to_pick_another(room, db):
    _, a, _ = room
    other = ClassQuiz(db)
    html = other.join("1", "王五")
    assert "第1座已经有另一位学员加入了" in html and "请换一个座号" in html and other.seat is None
    assert "欢迎参加" in other.join("3", "王五")


def test_before_a_question_opens_the_trainee_waits(room):
    _, a, _ = room
    assert a.quiz_box.layout.display == "" and a.join_box.layout.display == "none"
    assert "第1座 · 张三" in a.who.value and t("class.waiting") in a.status.value
    assert a.answer_box.layout.display == "none" and a.ticker.playing  # following the session


def test_answer_change_close_reveal_with_the_library_explanation(room):
    trainer, a, b = room
    n = _first(trainer, "choice")
    trainer.select(n)
    trainer.open()
    assert a.refresh() and a.number == n and b.refresh()
    key = a.keys[n]
    assert key.prompt in a.prompt.value and "A. " not in a.prompt.value  # the choices are shown once: as buttons
    assert [v for _, v in a.choice.options] == list(key.letters)
    assert "已提交" in a.submit(wrong_answer(key)) and "截止前还可以修改" in a.status.value
    assert "已提交" in a.submit(right_answer(key))  # changed before the close
    b.submit(wrong_answer(key))
    trainer.refresh()
    assert "已作答 2 / 2 人" in trainer.live.value
    trainer.close()
    a.refresh()
    assert "本题已截止" in a.status.value and a.choice.disabled and a.result.value == ""
    assert "class.question_closed" not in a.submit(wrong_answer(key))
    assert "已经截止" in a.status.value  # refused in place, nothing changed
    trainer.reveal()
    a.refresh(), b.refresh()
    assert "√ 正确" in a.result.value and key.why in a.result.value and key.evidence[0] in a.result.value
    assert "× 不对" in b.result.value and key.answer_text in b.result.value
    with ClassStore.open(a.db) as s:
        assert {x.seat: x.value for x in s.answers()} == {1: right_answer(key), 2: wrong_answer(key)}


def test_a_number_that_is_not_a_number_is_a_message_in_place(room):
    trainer, a, _ = room
    n = _first(trainer, "number")
    trainer.select(n)
    trainer.open()
    a.refresh()
    assert a.number_input.layout.display == "" and a.choice.layout.display == "none"
    html = a.submit("五百")
    assert "jihua-error" in html and f"第{n}题要填一个数字" in html
    assert "请填写" not in html and a.mine == {}
    a.number_input.value = "1,200 元"
    assert "已提交：1,200" in a.submit()


def test_a_trainee_who_did_not_answer_sees_the_answer_after_reveal(room):
    trainer, a, _ = room
    trainer.open()
    trainer.reveal()
    a.refresh()
    key = a.keys[1]
    assert "你没有作答本题" in a.result.value and key.answer_text in a.result.value and key.why in a.result.value


def test_coming_back_on_a_new_page_restores_the_answers(room, db):
    trainer, a, _ = room
    trainer.open()
    a.refresh()
    a.submit("B")
    again = ClassQuiz(db, "测试班")  # the page reloaded, or the server restarted: a new kernel
    assert "欢迎回来：已找回你的 1 个答案" in again.join("1", "张三")
    assert again.number == 1 and again.choice.value == "B" and "已提交：B" in again.status.value


def test_self_paced_all_questions_to_move_through(room):
    trainer, a, _ = room
    trainer.open_all()
    a.refresh()
    assert len(a.picker.options) == len(a.keys) and a.nav.layout.display == ""
    for _ in range(len(a.keys)):
        key = a.keys[a.number]
        a.submit(right_answer(key))
        a.step(1)
    assert len(a.mine) == len(a.keys)
    trainer.close_all()
    trainer.reveal_all()
    a.refresh()
    assert "已公布答案的 20 题中答对 20 题" in a.who.value.replace(str(len(a.keys)), "20")


def test_the_page_after_the_session_ended(room, db):
    trainer, a, _ = room
    trainer.open()
    a.refresh()
    a.submit("B")
    assert "确定结束吗" in trainer.end()  # asks first
    assert not trainer._store().session().ended
    trainer.end(confirm=True)
    a.refresh()
    assert "本次测验已经结束" in a.banner.value and not a.ticker.playing
    assert a.submit_button.layout.display == "none"
    assert "本次测验已经结束" in a.submit("A")
    late = ClassQuiz(db)  # a page opened after the end
    assert "本次测验已经结束" in late.banner.value and late.join_button.disabled
    assert "本次测验已经结束" in late.join("9", "赵六")
    assert trainer.buttons["open"].disabled and "测验已结束" in trainer.head.value


def test_an_unknown_question_is_refused(room):
    _, a, _ = room
    a.number = 99
    a.keys = {**a.keys, 99: a.keys[1]}  # a page that somehow shows a question the session does not have
    assert "没有这道题" in a.submit("A")


@pytest.mark.parametrize("fault", ["missing", "corrupt"])
def test_a_file_fault_is_said_in_chinese_and_no_session_is_started(tmp_path, fault):
    path = tmp_path / "班.sqlite"
    if fault == "corrupt":
        path.write_bytes(b"\x00garbage" * 500)
    page = ClassQuiz(path, "测试班")
    expected = "找不到这次测验的数据文件" if fault == "missing" else "已损坏"
    assert expected in page.banner.value and "测验暂时无法使用" in page.banner.value
    assert expected in page.join("1", "张三") and page.seat is None
    trainer = TrainerApp(path, "测试班")
    assert expected in trainer.banner.value
    assert path.exists() == (fault == "corrupt")  # nothing new was made in its place


def test_a_read_only_file_is_said_on_the_trainee_page(db):
    os.chmod(db, 0o444)
    try:
        code = (
            "import json, sys; from pathlib import Path\n"
            "from jihua_kit.classes.quiz_widget import ClassQuiz\n"
            "page = ClassQuiz(Path(sys.argv[1]))\n"
            "print(json.dumps([page.banner.value, page.join('1', '张三')], ensure_ascii=False))\n"
        )
        run = run_python(code, str(db), powerless=True)
        assert run.returncode == 0, run.stderr
        banner, joined = json.loads(run.stdout)
        assert "只读" in banner and "只读" in joined
    finally:
        os.chmod(db, 0o644)


# --- the trainer's console ------------------------------------------------------------------------------


def test_console_shows_the_address_the_count_and_the_distribution(room):
    trainer, a, b = room
    assert "已加入 0 人" in trainer.head.value  # drawn before the trainees came
    assert trainer.refresh() and "http://192.168.1.5:8866/?token=abc" in trainer.head.value
    assert "已加入 2 人" in trainer.head.value
    trainer.open()
    a.refresh(), b.refresh()
    key = a.keys[1]
    a.submit(right_answer(key))
    b.submit(right_answer(key))
    assert trainer.refresh() and "已作答 2 / 2 人" in trainer.live.value
    assert not trainer.refresh()  # nothing changed: nothing redrawn, nothing sent to the page
    assert "✓" not in trainer.live.value  # the projector does not give the answer away before the reveal
    trainer.reveal()
    assert f"✓ {right_answer(key)}." in trainer.live.value and "答对 2 人（100%）" in trainer.live.value


def test_scores_count_revealed_questions_only(room):
    trainer, a, _ = room
    trainer.open()
    a.refresh()
    a.submit(right_answer(a.keys[1]))
    trainer.refresh()
    assert "<td class='n'>1</td><td class='n'>0/0</td>" in trainer.scores.value
    trainer.reveal()
    assert "<td class='n'>1</td><td class='n'>1/1</td>" in trainer.scores.value


def test_next_closes_the_open_question_and_opens_the_following_one(room):
    trainer, _, _ = room
    trainer.open()
    trainer.next()
    s = trainer._store()
    assert s.key(1).state == "closed" and s.key(2).state == "open" and trainer.number == 2
    assert s.session().current == 2
    assert "这一步不用做" in trainer.open()  # already open


def test_number_distribution_groups_the_rest(room, db):
    trainer, _, _ = room
    n = _first(trainer, "number")
    key = trainer._store().key(n)
    counts = {repr(float(v)): c for v, c in zip(range(1, 9), [5, 4, 3, 3, 2, 1, 1, 1], strict=True)}
    bars = distribution(key, counts)
    assert [b[0] for b in bars][:2] == ["1", "2"] and bars[-1] == ("其他", 3, False) and len(bars) == 6
    html = distribution_html(key, counts, 30)
    assert "已作答 20 / 30 人" in html


def test_console_without_a_class_session_says_so(monkeypatch):
    monkeypatch.delenv("JIHUA_CLASS_DB", raising=False)
    trainer = TrainerApp.from_env()
    assert "没有开启课堂测验" in trainer.banner.value


def test_the_trainee_app_shows_the_quiz_tab_first_and_keeps_both_calculators(db):
    from jihua_kit.room.layout import TraineeApp

    env = {"JIHUA_CLASS_DB": str(db), "JIHUA_CLASS_SESSION": "测试班"}
    app = TraineeApp(extra_tabs=class_tabs(environ=env))
    assert list(app.tabs.titles) == ["课堂测验", "家庭优待计算", "考核扣分计算"] and app.tabs.selected_index == 0
    assert app.tabs.children[1] is app.household.widget and app.tabs.children[2] is app.audit_slot
    assert app.audit_tab == 2 and app.audit.widget in app.audit_slot.children  # built when its tab opens
    assert list(TraineeApp().tabs.titles) == ["家庭优待计算", "考核扣分计算"]  # make app: unchanged


def test_english_on_request(db):
    page = ClassQuiz(db, lang="en")
    assert "Please enter your name" in page.join("1", "")
    assert "welcome" in page.join("1", "Zhang San")


def test_a_name_is_shown_as_text_never_as_markup(db):
    trainer = TrainerApp(db, "测试班")
    page = ClassQuiz(db, "测试班")
    assert "欢迎参加" in page.join("4", "<img src=x>王")
    trainer.refresh()
    for html in (trainer.scores.value, page.who.value):
        assert "<img" not in html and "&lt;img src=x&gt;王" in html
