package web

import (
	"fmt"
	"time"

	"gridskill"
	"gridskill/certify"
	"gridskill/scoring"
)

// CertDate shows a certificate date as people read it: 2026年11月24日 in
// Chinese, 2026-11-24 otherwise; "no expiry" for the zero time.
func (p Page) CertDate(t time.Time) string {
	if t.IsZero() {
		return p.T("no expiry")
	}
	t = t.In(gridskill.ChinaZone())
	if p.Lang == "zh" {
		return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
	}
	return t.Format("2006-01-02")
}

// StateLabel is the translated name of a certificate state.
func (p Page) StateLabel(s certify.State) string { return p.T(stateLabels[s]) }

var stateLabels = map[certify.State]string{
	certify.Valid:        "Valid",
	certify.Expiring:     "Expiring soon",
	certify.Expired:      "Expired",
	certify.RefresherDue: "Refresher due",
	certify.Revoked:      "Revoked",
}

// AwardLabel is the translated name of a contest award level.
func (p Page) AwardLabel(l scoring.AwardLevel) string {
	switch l {
	case scoring.FirstPrize:
		return p.T("First prize")
	case scoring.SecondPrize:
		return p.T("Second prize")
	case scoring.ThirdPrize:
		return p.T("Third prize")
	case scoring.Excellence:
		return p.T("Excellence award")
	}
	return p.T("Any award")
}

// Num shows a score or hours without needless decimals: 90, 12.5.
func (p Page) Num(f float64) string { return fmt.Sprintf("%g", float64(int64(f*100+0.5))/100) }

// AuditLabel is the translated name of an audit log entry.
func (p Page) AuditLabel(action string, state certify.State) string {
	switch action {
	case certify.ActionIssued:
		return p.T("Issued")
	case certify.ActionRenewed:
		return p.T("Renewed")
	case certify.ActionRevoked:
		return p.T("Revoked")
	case certify.ActionReinstated:
		return p.T("Reinstated")
	}
	return p.T("State became %s", p.StateLabel(state))
}
