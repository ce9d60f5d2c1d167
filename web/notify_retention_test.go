package web

import (
	"fmt"
	"net/url"
	"slices"

	"gridskill/notify"
)

// robotUnit picks a unit of the district by voice, so that each writer sets
// a robot of its own unit (a unit has one robot; a later one replaces it).
// The form's writers take even slots, the API's odd ones.
// The demo's 36 grids are fixed (other cases add units as they run).
func (e *retEnv) robotUnit(v *voice, api int) string {
	i := (2*v.n + api) % 36
	return fmt.Sprintf("unit-s%d-c%d-g%d", i/12+1, i/4%3+1, i%4+1)
}

func (e *retEnv) readRobot(unitID string) func(*retEnv) any {
	return func(e *retEnv) any {
		hooks := check(e.r.srv.notify.Hooks(ctx(e.t), e.admin)).of(e.t)
		i := slices.IndexFunc(hooks, func(h notify.Hook) bool { return h.UnitID == unitID })
		if i < 0 {
			e.t.Fatalf("no robot of %s", unitID)
		}
		return hooks[i]
	}
}

// notifyCases store a group robot's address through its form and the API.
var notifyCases = []retentionCase{
	{"POST /notify/robots", func(e *retEnv, v *voice) func(*retEnv) any {
		unit := e.robotUnit(v, 0)
		addr := "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=" + v.text("机器人")
		e.form(e.adminB, v, "/notify/robots", url.Values{"unit": {unit}, "kind": {"wecom"}, "url": {addr}})
		return e.readRobot(unit)
	}},
	{"POST /api/v1/notify/robots", func(e *retEnv, v *voice) func(*retEnv) any {
		unit := e.robotUnit(v, 1)
		addr := "https://oapi.dingtalk.com/robot/send?access_token=" + v.text("钉钉")
		e.api(v, "POST", "/api/v1/notify/robots", e.adminTok, J{"unit": unit, "kind": "dingtalk", "url": addr}, nil)
		return e.readRobot(unit)
	}},
}
