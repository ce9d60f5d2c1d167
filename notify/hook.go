package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"gridskill"
	"gridskill/people"
)

// Robot kinds: a WeChat Work (企业微信) or DingTalk (钉钉) group robot.
const (
	WeCom    = "wecom"
	DingTalk = "dingtalk"
)

// vendorHost is each robot kind's host and the query parameter its address carries.
func vendorHost(kind string) (host, param string, ok bool) {
	switch kind {
	case WeCom:
		return "qyapi.weixin.qq.com", "key", true
	case DingTalk:
		return "oapi.dingtalk.com", "access_token", true
	}
	return "", "", false
}

// Hook is a unit's group robot.
type Hook struct {
	UnitID string
	Kind   string
	URL    string
	// Secret is a DingTalk robot's signing secret (加签, "SEC…"), when the
	// group set its robot to sign: each message then carries a timestamp and
	// its signature, and DingTalk refuses messages without them.
	Secret string
}

// CheckSecret validates a DingTalk robot's signing secret: empty (the robot
// does not sign), or "SEC" and letters and digits as DingTalk shows it.
func CheckSecret(kind, secret string) error {
	if secret == "" {
		return nil
	}
	if kind != DingTalk {
		return gridskill.Errorf(gridskill.EINVALID, "only DingTalk robots take a signing secret")
	}
	if len(secret) > 200 || !strings.HasPrefix(secret, "SEC") || strings.IndexFunc(secret, func(r rune) bool {
		return !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	}) >= 0 {
		return gridskill.Errorf(gridskill.EINVALID, "a DingTalk signing secret starts with SEC followed by letters and digits")
	}
	return nil
}

// signed returns a DingTalk address with the timestamp and signature of
// its secret added: base64 of HMAC-SHA256 over "timestamp\nsecret", as
// DingTalk's robot documentation gives it.
func signed(raw, secret string, at time.Time) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", err
	}
	ts := strconv.FormatInt(at.UnixMilli(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "\n" + secret))
	q := u.Query()
	q.Set("timestamp", ts)
	q.Set("sign", base64.StdEncoding.EncodeToString(mac.Sum(nil)))
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// CheckHook validates a robot address: https, the vendor's host (or one
// configured), no user or fragment, and the vendor's key parameter.
func (s *Service) CheckHook(kind, raw string) error {
	host, param, ok := vendorHost(kind)
	if !ok {
		return gridskill.Errorf(gridskill.EINVALID, "choose WeChat Work or DingTalk")
	}
	if err := (gridskill.Text{Field: "robot address", Max: 500}).Check(raw); err != nil {
		return err
	}
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return gridskill.Errorf(gridskill.EINVALID, "the robot address is not a web address")
	}
	if u.Scheme != "https" {
		return gridskill.Errorf(gridskill.EINVALID, "the robot address must start with https://")
	}
	if u.User != nil || u.Fragment != "" {
		return gridskill.Errorf(gridskill.EINVALID, "the robot address must not carry a user name or a fragment")
	}
	if u.Host != host && !slices.Contains(s.cfg.Hosts, u.Host) {
		return gridskill.Errorf(gridskill.EINVALID, "the robot address must be on %s", host)
	}
	if u.Query().Get(param) == "" {
		return gridskill.Errorf(gridskill.EINVALID, "the robot address lacks its %s", param)
	}
	return nil
}

// administered resolves a unit the admin actor manages. Errors: forbidden, not_found.
func (s *Service) administered(ctx context.Context, actor people.User, unitID string) (people.Unit, *people.Tree, error) {
	if !actor.Active || !actor.Role.IsAdmin() {
		return people.Unit{}, nil, gridskill.Errorf(gridskill.EFORBIDDEN, "only admins configure group robots")
	}
	tree, err := s.people.Tree(ctx)
	if err != nil {
		return people.Unit{}, nil, err
	}
	u, ok := tree.Unit(unitID)
	if !ok {
		return people.Unit{}, nil, gridskill.Errorf(gridskill.ENOTFOUND, "no such unit")
	}
	if !actor.CanAdminister(u.Path) {
		return people.Unit{}, nil, gridskill.Errorf(gridskill.EFORBIDDEN, "this unit is outside your area")
	}
	return u, tree, nil
}

// SetHook configures (or, with an empty address, removes) a unit's group
// robot; secret is a DingTalk robot's signing secret, or empty.
// Errors: invalid, forbidden, not_found, internal.
func (s *Service) SetHook(ctx context.Context, actor people.User, unitID, kind, raw, secret string) error {
	if _, _, err := s.administered(ctx, actor, unitID); err != nil {
		return err
	}
	secret = strings.TrimSpace(secret)
	if strings.TrimSpace(raw) == "" {
		if err := s.deleteHook(ctx, unitID); err != nil {
			return gridskill.Internal(err)
		}
		return nil
	}
	if err := s.CheckHook(kind, raw); err != nil {
		return err
	}
	if err := CheckSecret(kind, secret); err != nil {
		return err
	}
	d := hookDoc{ID: unitID, Kind: kind, URL: strings.TrimSpace(raw), Secret: secret, SetBy: actor.ID, SetAt: s.clock.Now().UTC()}
	if err := s.putHook(ctx, d); err != nil {
		return gridskill.Internal(err)
	}
	return nil
}

// Hooks returns the robots of the units in the admin actor's area. The
// address is a secret of the group: pages show its host only.
// Errors: forbidden, internal.
func (s *Service) Hooks(ctx context.Context, actor people.User) ([]Hook, error) {
	if _, _, err := s.administered(ctx, actor, actor.UnitID); err != nil {
		return nil, err
	}
	tree, err := s.people.Tree(ctx)
	if err != nil {
		return nil, err
	}
	docs, err := s.hooks(ctx)
	if err != nil {
		return nil, gridskill.Internal(err)
	}
	var out []Hook
	for _, d := range docs {
		if u, ok := tree.Unit(d.ID); ok && actor.CanAdminister(u.Path) {
			out = append(out, Hook{UnitID: d.ID, Kind: d.Kind, URL: d.URL, Secret: d.Secret})
		}
	}
	return out, nil
}

// post sends a text message to a robot. Both vendors take the same body.
func (s *Service) post(ctx context.Context, h Hook, text string) error {
	body, _ := json.Marshal(map[string]any{"msgtype": "text", "text": map[string]string{"content": text}})
	addr := h.URL
	if h.Secret != "" {
		var err error
		if addr, err = signed(h.URL, h.Secret, s.clock.Now()); err != nil {
			return err
		}
	}
	req, err := httpRequest(ctx, addr, body)
	if err != nil {
		return err
	}
	resp, err := s.cfg.Client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var reply struct {
		ErrCode int    `json:"errcode"`
		ErrMsg  string `json:"errmsg"`
	}
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	if resp.StatusCode != 200 {
		return fmt.Errorf("robot answered %d", resp.StatusCode)
	}
	if json.Unmarshal(raw, &reply) == nil && reply.ErrCode != 0 {
		return fmt.Errorf("robot refused: %d %s", reply.ErrCode, reply.ErrMsg)
	}
	return nil
}

func httpRequest(ctx context.Context, u string, body []byte) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	return req, nil
}
