package web

import (
	"net/url"

	"gridskill/seed"
)

// notifyCases store a group robot's address through its form.
var notifyCases = []retentionCase{
	{"POST /notify/robots", func(e *retEnv, v *voice) func(*retEnv) any {
		addr := "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=" + url.QueryEscape(v.text("机器人"))
		e.form(e.adminB, v, "/notify/robots", url.Values{"unit": {seed.Street1ID}, "kind": {"wecom"}, "url": {addr}})
		return func(e *retEnv) any { return check(e.r.srv.notify.Hooks(ctx(e.t), e.admin)).of(e.t) }
	}},
}
