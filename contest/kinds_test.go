package contest

import "testing"

func TestKindsCannotBeChangedByACaller(t *testing.T) {
	got := Kinds()
	got[0] = Online
	if !Speed.Valid() || Online.Valid() || Kinds()[0] != Speed {
		t.Fatalf("Kinds() = %v after a caller changed its copy; want speed first and online not a live kind", Kinds())
	}
}
