package web

import (
	"net/http"
	"testing"

	"gridskill/seed"
)

func TestManagementThroughTheAPI(t *testing.T) {
	r := newRig(t)
	tok := r.token("13900000002") // 东湖街道's admin
	if status, got, body := r.apiJSON("PUT", "/api/v1/users/worker-0005", tok, map[string]any{"name": "接口改名", "role": "worker", "unitId": seed.Grid112ID}); status != http.StatusOK || got["unitId"] != seed.Grid112ID {
		t.Fatalf("edit: %d %s", status, body)
	}
	if status, _, body := r.apiJSON("PUT", "/api/v1/users/worker-0005", tok, map[string]any{"name": "x", "role": "worker", "unitId": seed.Community11ID}); status != http.StatusBadRequest {
		t.Fatalf("a worker outside a grid: %d %s", status, body)
	}
	status, got, body := r.apiJSON("POST", "/api/v1/users/deactivate", tok, map[string]any{"ids": []string{"worker-0006", "worker-0100"}})
	if status != http.StatusOK || got["deactivated"] != float64(1) || len(got["refused"].([]any)) != 1 {
		t.Fatalf("deactivate: %d %s", status, body)
	}
	if status, _, body := r.apiJSON("POST", "/api/v1/units/"+seed.Grid111ID+"/delete", tok, nil); status != http.StatusConflict {
		t.Fatalf("delete of a grid with people: %d %s", status, body)
	}
	if status, got, body := r.apiJSON("POST", "/api/v1/units/"+seed.Grid111ID+"/rename", tok, map[string]any{"name": "第一网格（新）"}); status != http.StatusOK || got["name"] != "第一网格（新）" {
		t.Fatalf("rename: %d %s", status, body)
	}
	if status, _, body := r.apiJSON("POST", "/api/v1/units/"+seed.Grid111ID+"/rename", tok, map[string]any{"name": 5}); status != http.StatusBadRequest {
		t.Fatalf("a name that is no text: %d %s", status, body)
	}
}
