package main

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gridskill/web/browsertest"
)

// readableJS returns, for every visible button and button-styled link of the
// page, the ones whose text contrast (WCAG 2) is under 4.5:1, with their
// colours; the background is the first opaque one up the tree.
const readableJS = `(function(){
  function rgb(s){var m=s.match(/rgba?\(([^)]+)\)/);if(!m)return null;var p=m[1].split(',').map(Number);return {c:p.slice(0,3),a:p.length>3?p[3]:1};}
  function lum(c){var l=c.map(function(v){v/=255;return v<=0.03928?v/12.92:Math.pow((v+0.055)/1.055,2.4)});return 0.2126*l[0]+0.7152*l[1]+0.0722*l[2];}
  function bg(e){for(;e;e=e.parentElement){var b=rgb(getComputedStyle(e).backgroundColor);if(b&&b.a>0.5)return b.c;}return [255,255,255];}
  var bad=[];
  document.querySelectorAll('button,a.button').forEach(function(e){
    if(!e.offsetParent)return;
    var f=rgb(getComputedStyle(e).color).c,b=bg(e),x=lum(f),y=lum(b);
    var r=(Math.max(x,y)+0.05)/(Math.min(x,y)+0.05);
    if(r<4.5)bad.push((e.id||e.textContent.trim().slice(0,12))+' '+r.toFixed(2)+':1 '+f+' on '+b);
  });
  return bad;
})()`

// TestBrowserPhoneSitsAnExamWithTheNavigatorAndPractisesInOrder walks, at
// 360×740, the rules page, the sitting with its question list, a flag kept
// across a reload, the warning after a screen switch, the unanswered count
// before submitting, the result with only the wrong answers, the exam list's
// marks, and practice in order with an empty submit.
func TestBrowserPhoneSitsAnExamWithTheNavigatorAndPractisesInOrder(t *testing.T) {
	b := browsertest.New(t)
	_, base, _ := startMain(t, "")
	trainer := signInAPI(t, base, "13900000003")
	now := time.Now().UTC()
	var exam struct{ ID string }
	if code := trainer.call("POST", "/api/v1/exams", map[string]any{
		"title": "反诈知识手机测验", "unitIds": []string{"unit-s1"}, "opensAt": now.Add(-time.Hour), "closesAt": now.Add(24 * time.Hour),
		"durationSec": 1800, "passMark": 60, "maxAttempts": 2, "review": "after_submit", "maxSwitches": 3,
		"rules": []map[string]any{{"tag": "反诈", "type": "single", "count": 3}, {"tag": "反诈", "type": "multiple", "count": 1},
			{"tag": "反诈", "type": "truefalse", "count": 1}, {"tag": "反诈", "type": "blank", "count": 1}},
	}, &exam); code != 201 || exam.ID == "" {
		t.Fatalf("create the exam: %d", code)
	}
	p := newExamPhone(t, b, "phone")
	p.signIn(base, "13900000004")

	p.step("rules page", chromedp.Navigate(base+"/exams/"+exam.ID), chromedp.WaitVisible(`#exam-rules`))
	rules := evalOn[string](p, `document.getElementById('exam-rules').innerText`)
	for _, want := range []string{"6 道题", "30 分钟", "及格线 60%", "剩余考试次数：2 次（共 2 次）", "超过 3 次", "交卷后即可查看"} {
		if !strings.Contains(rules, want) {
			t.Errorf("rules page lacks %q: %s", want, rules)
		}
	}
	if bad := evalOn[[]string](p, readableJS); len(bad) > 0 {
		t.Errorf("unreadable buttons on the rules page: %v", bad)
	}
	browsertest.Screenshot(t, p.ctx, "exam-phone-1-rules")

	p.step("start", chromedp.Click(`#start`), chromedp.WaitVisible(`#paper fieldset.q input`), chromedp.WaitVisible(`#qnav-items a.qn`))
	types := evalOn[[]string](p, `Array.from(document.querySelectorAll('#paper legend .qtype')).map(e => e.textContent)`)
	if len(types) != 6 {
		t.Fatalf("%d questions carry a type label; want 6", len(types))
	}
	for _, ty := range types {
		if !strings.Contains("单选 多选 判断 填空", ty) || ty == "" {
			t.Errorf("type label %q", ty)
		}
	}
	ids := p.choiceQuestions()
	first, second := ids[0], ids[1]
	p.step("answer one", chromedp.Click(`#q-`+first+` input`), chromedp.WaitVisible(`#q-`+first+` .qstatus.saved`), chromedp.WaitVisible(`#qn-`+first+`.answered`))
	p.step("flag another", chromedp.Click(`#flag-`+second), chromedp.WaitVisible(`#qn-`+second+`.flagged`))
	if got := evalOn[string](p, `document.getElementById('qn-`+second+`').className`); !strings.Contains(got, "unanswered") {
		t.Errorf("the flagged unanswered question shows %q", got)
	}
	browsertest.Screenshot(t, p.ctx, "exam-phone-2-navigator")

	p.step("reload keeps the flag", chromedp.Reload(), chromedp.WaitVisible(`#qn-`+second+`.flagged`), chromedp.WaitVisible(`#qn-`+first+`.answered`))
	p.step("jump with the navigator", chromedp.Click(`#qn-`+second), chromedp.WaitVisible(`#q-`+second))
	if h := evalOn[string](p, `location.hash`); h != "#q-"+second {
		t.Errorf("the navigator went to %q", h)
	}

	// Leaving the page once: the exam has a limit, so the page warns.
	p.step("switch away and back",
		chromedp.Evaluate[chromedp.Void](`(function(){
		  Object.defineProperty(document,'hidden',{configurable:true,get:function(){return true}});
		  document.dispatchEvent(new Event('visibilitychange'));
		  setTimeout(function(){Object.defineProperty(document,'hidden',{configurable:true,get:function(){return false}});document.dispatchEvent(new Event('visibilitychange'));},300);
		})()`),
		chromedp.WaitVisible(`#switch-warning`))
	if w := evalOn[string](p, `document.getElementById('switch-warning').textContent`); !strings.Contains(w, "离开超过 3 次将自动交卷") {
		t.Errorf("switch warning %q", w)
	}

	p.step("ask to submit", chromedp.Click(`#submit`), chromedp.WaitVisible(`#confirm`))
	if got := evalOn[string](p, `document.getElementById('confirm-unanswered').textContent`); got != "还有 5 题未答。" {
		t.Errorf("before submitting the page says %q; want 还有 5 题未答。", got)
	}
	if n := evalOn[int](p, `document.querySelectorAll('#confirm-open a.qn').length`); n != 5 {
		t.Errorf("the submit dialog links %d unanswered questions; want 5", n)
	}
	if got := evalOn[string](p, `document.getElementById('confirm-flagged').textContent`); !strings.Contains(got, "1") {
		t.Errorf("the submit dialog says %q of the flagged", got)
	}
	browsertest.Screenshot(t, p.ctx, "exam-phone-3-unanswered")

	p.step("submit", chromedp.Click(`#confirm-yes`), chromedp.WaitVisible(`#result`), chromedp.WaitVisible(`#only-wrong`))
	if got := evalOn[string](p, `(function(){var e=document.getElementById('result-restudy');return e?e.innerText:''})()`); !strings.Contains(got, "反诈宣传与识别") {
		t.Errorf("the result names no module to study again: %q", got)
	}
	browsertest.Screenshot(t, p.ctx, "exam-phone-4-result")
	p.step("only the wrong ones", chromedp.Click(`#only-wrong`), chromedp.WaitVisible(`ol.review li.wrong`))
	if n := evalOn[int](p, `document.querySelectorAll('ol.review li.right').length`); n != 0 {
		t.Errorf("only the wrong ones shows %d right answers", n)
	}
	if n := evalOn[int](p, `document.querySelectorAll('ol.review li.wrong').length`); n < 5 {
		t.Errorf("only the wrong ones shows %d; want the 5 unanswered at least", n)
	}
	review := evalOn[string](p, `document.querySelector('ol.review').innerText`)
	for _, never := range []string{" | ", "T. 对", "F. 错"} {
		if strings.Contains(review, never) {
			t.Errorf("review shows the raw form %q", never)
		}
	}
	browsertest.Screenshot(t, p.ctx, "exam-phone-5-wrong-only")

	p.step("exam list", chromedp.Navigate(base+"/exams"), chromedp.WaitVisible(`#exam-`+exam.ID))
	card := evalOn[string](p, `document.getElementById('exam-`+exam.ID+`').innerText`)
	for _, want := range []string{"剩余考试次数：1 次（共 2 次）", "最高分", "查看成绩"} {
		if !strings.Contains(card, want) {
			t.Errorf("exam card lacks %q: %s", want, card)
		}
	}
	link := evalOn[string](p, `(function(){var a=document.querySelector('#exam-`+exam.ID+` a.result-link'),s=getComputedStyle(a);return s.textDecorationLine+' '+s.display})()`)
	if !strings.HasPrefix(link, "underline") || strings.Contains(link, "block") {
		t.Errorf("查看成绩 is styled %q; want an inline underlined link", link)
	}
	if bad := evalOn[[]string](p, readableJS); len(bad) > 0 {
		t.Errorf("unreadable buttons on the exam list: %v", bad)
	}
	browsertest.Screenshot(t, p.ctx, "exam-phone-6-list")
	p.step("home", chromedp.Navigate(base+"/"), chromedp.WaitVisible(`#home-exam-list`))
	if home := evalOn[string](p, `document.getElementById('home-exams').innerText`); !strings.Contains(home, "剩余考试次数") || !strings.Contains(home, "最高分") {
		t.Errorf("home's exams lack the attempts left or the best score: %s", home)
	}
	if bad := evalOn[[]string](p, readableJS); len(bad) > 0 {
		t.Errorf("unreadable buttons on home: %v", bad)
	}

	p.step("practice in order", chromedp.Navigate(base+"/practice"), chromedp.Click(`#practice-modules a.in-order`), chromedp.WaitVisible(`#practice-progress`))
	if got := evalOn[string](p, `document.getElementById('practice-progress').textContent`); !strings.HasPrefix(got, "第 1 / ") {
		t.Fatalf("progress %q; want 第 1 / N 题", got)
	}
	qid := evalOn[string](p, `document.querySelector('input[name=question]').value`)
	p.step("empty submit", chromedp.Click(`#check`), chromedp.WaitVisible(`.error[role=alert]`))
	if got := evalOn[string](p, `document.querySelector('input[name=question]').value + ' ' + document.getElementById('practice-progress').textContent`); !strings.HasPrefix(got, qid+" 第 1 / ") {
		t.Errorf("after an empty submit the page holds %q; want question %s, still 第 1", got, qid)
	}
	browsertest.Screenshot(t, p.ctx, "practice-phone-1-empty")
	p.step("answer", chromedp.Click(`form.practice input[name=answer]`), chromedp.Click(`#check`), chromedp.WaitVisible(`#feedback`))
	if u := evalOn[string](p, `location.pathname`); u != "/practice/feedback" {
		t.Errorf("feedback at %s; want /practice/feedback", u)
	}
	browsertest.Screenshot(t, p.ctx, "practice-phone-2-feedback")
	p.step("next", chromedp.Click(`#next`), chromedp.WaitVisible(`#practice-progress`))
	if got := evalOn[string](p, `document.getElementById('practice-progress').textContent`); !strings.HasPrefix(got, "第 2 / ") {
		t.Errorf("progress after one %q; want 第 2 / N 题", got)
	}
	if next := evalOn[string](p, `document.querySelector('input[name=question]').value`); next == qid {
		t.Error("the run shows the same question twice")
	}
}
