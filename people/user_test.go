package people

import (
	"strings"
	"testing"

	"gridskill"
)

func TestPhone(t *testing.T) {
	cases := []struct {
		name, in, norm string
		valid          bool
	}{
		{"Plain", "13912345678", "13912345678", true},
		{"Spaces", " 139 1234 5678 ", "13912345678", true},
		{"Dashes", "139-1234-5678", "13912345678", true},
		{"CountryCode", "+86 139 1234 5678", "13912345678", true},
		{"CountryCodeWithDash", "+86-13912345678", "13912345678", true},
		{"CountryCodeWithoutPlus", "86 13912345678", "13912345678", true},
		{"CountryCodeWithZeros", "0086 13912345678", "13912345678", true},
		{"IdeographicSpace", "139\u30001234\u30005678", "13912345678", true},
		{"FullWidthDigits", "１３９１２３４５６７８", "13912345678", true},
		{"FullWidthPlusAndDash", "＋８６－１３９１２３４５６７８", "13912345678", true},
		{"TenDigits", "1391234567", "1391234567", false},
		{"TwelveDigits", "139123456789", "139123456789", false},
		{"Letters", "1391234567a", "1391234567a", false},
		{"LandlineStart", "02912345678", "02912345678", false},
		{"SecondDigitTooLow", "12912345678", "12912345678", false},
		{"Empty", "", "", false},
		{"ArabicIndicDigitsAreNotDigitsHere", "١٣٩١٢٣٤٥٦٧٨", "١٣٩١٢٣٤٥٦٧٨", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := NormalizePhone(tc.in)
			if got != tc.norm {
				t.Errorf("NormalizePhone(%q) = %q, want %q", tc.in, got, tc.norm)
			}
			if ValidPhone(got) != tc.valid {
				t.Errorf("ValidPhone(%q) = %v, want %v", got, !tc.valid, tc.valid)
			}
		})
	}
}

func TestValidatePassword(t *testing.T) {
	cases := []struct {
		name, pw string
		ok       bool
	}{
		{"AcceptsLettersAndDigits", "abcd1234", true},
		{"AcceptsDemoPassword", "Demo@2026", true},
		{"AcceptsChineseLetters", "网格员学练考2026", true},
		{"AcceptsSixtyFour", strings.Repeat("a1", 32), true},
		{"RefusesSeven", "abc1234", false},
		{"RefusesSixtyFive", strings.Repeat("a1", 32) + "b", false},
		{"RefusesOnlyLetters", "abcdefghij", false},
		{"RefusesOnlyDigits", "1234567890", false},
		{"RefusesEmpty", "", false},
		{"CountsCharactersNotBytes", "网格员学练1", false},                         // 6 characters, 16 bytes
		{"AcceptsWhatBcryptHashes", strings.Repeat("网", 23) + "202", true},    // 72 bytes
		{"RefusesWhatBcryptCannotHash", strings.Repeat("网", 24) + "1", false}, // 73 bytes
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := ValidatePassword(tc.pw)
			if (err == nil) != tc.ok {
				t.Fatalf("ValidatePassword(%q) = %v, want ok=%v", tc.pw, err, tc.ok)
			}
			if err != nil && gridskill.ErrorCode(err) != gridskill.EINVALID {
				t.Fatalf("code %s, want invalid", gridskill.ErrorCode(err))
			}
		})
	}
}

func TestValidateName(t *testing.T) {
	if err := ValidateName("张晓婷"); err != nil {
		t.Errorf("a plain name: %v", err)
	}
	for _, bad := range []string{"", "   ", strings.Repeat("张", 31)} {
		if err := ValidateName(bad); gridskill.ErrorCode(err) != gridskill.EINVALID {
			t.Errorf("ValidateName(%q) = %v, want invalid", bad, err)
		}
	}
}

func TestOneTimePasswordPassesThePasswordRules(t *testing.T) {
	seen := map[string]bool{}
	for range 200 {
		pw := OneTimePassword()
		if err := ValidatePassword(pw); err != nil {
			t.Fatalf("OneTimePassword() = %q: %v", pw, err)
		}
		seen[pw] = true
	}
	if len(seen) < 199 {
		t.Fatalf("only %d distinct passwords in 200", len(seen))
	}
}

func TestRolePermissions(t *testing.T) {
	street1 := []string{"d", "s1"}
	grid1 := []string{"d", "s1", "c1", "g1"}
	grid2 := []string{"d", "s2", "c3", "g9"}
	user := func(r Role, path []string, active bool) User {
		return User{Role: r, UnitID: path[len(path)-1], UnitPath: path, Active: active}
	}
	cases := []struct {
		name             string
		u                User
		path             []string
		administer, tech bool
	}{
		{"WorkerNeither", user(Worker, grid1, true), grid1, false, false},
		{"TrainerTeachesInsideOnly", user(Trainer, street1, true), grid1, false, true},
		{"TrainerNotOutside", user(Trainer, street1, true), grid2, false, false},
		{"StreetAdminInside", user(StreetAdmin, street1, true), grid1, true, true},
		{"StreetAdminNotOtherStreet", user(StreetAdmin, street1, true), grid2, false, false},
		{"StreetAdminNotAbove", user(StreetAdmin, street1, true), []string{"d"}, false, false},
		{"DistrictAdminEverywhere", user(DistrictAdmin, []string{"d"}, true), grid2, true, true},
		{"DeactivatedAdminNothing", user(DistrictAdmin, []string{"d"}, false), grid2, false, false},
		{"UnknownRoleNothing", user("mayor", []string{"d"}, true), grid1, false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.u.CanAdminister(tc.path); got != tc.administer {
				t.Errorf("CanAdminister = %v, want %v", got, tc.administer)
			}
			if got := tc.u.CanTeach(tc.path); got != tc.tech {
				t.Errorf("CanTeach = %v, want %v", got, tc.tech)
			}
		})
	}
	for _, r := range Roles() {
		if !r.Valid() {
			t.Errorf("%s is not valid", r)
		}
	}
	if Role("admin").Valid() || Role("").Valid() {
		t.Error("an unknown role is valid")
	}
}

func TestRolesCannotBeChangedByACaller(t *testing.T) {
	Roles()[3] = Worker
	if got := Roles(); got[3] != DistrictAdmin {
		t.Fatalf("Roles() = %v after a caller changed its copy", got)
	}
}
