package cases

import (
	"strings"
	"testing"
)

func TestMask(t *testing.T) {
	cases := []struct {
		name, in string
		names    []string
		want     string
	}{
		{"RemovesMobile", "请联系13912345678核实", nil, "请联系" + PhoneRemoved + "核实"},
		{"RemovesMobileWithSpaces", "电话 139 1234 5678。", nil, "电话 " + PhoneRemoved + "。"},
		{"RemovesMobileWithCountryCode", "+86 139-1234-5678", nil, PhoneRemoved},
		{"RemovesLandline", "座机0571-88776655", nil, "座机" + PhoneRemoved},
		{"RemovesIDNumber", "身份证号33010219800101123X，", nil, "身份证号" + IDRemoved + "，"},
		{"RemovesOldIDNumber", "证号 330102800101123 作废", nil, "证号 " + IDRemoved + " 作废"},
		{"MasksNamesGiven", "张晓明与邻居李桂英发生争执，张晓明报警。", []string{"张晓明", "李桂英"}, "张某与邻居李某发生争执，张某报警。"},
		{"MasksCompoundSurname", "欧阳建国来电", []string{"欧阳建国"}, "欧阳某来电"},
		{"MasksNameAfterRoleWord", "居民王建华反映楼道堆物", nil, "居民王某反映楼道堆物"},
		{"MasksNameAfterRoleWordAndColon", "当事人：刘芳", nil, "当事人：刘某"},
		{"MasksNameBeforeRoleWord", "走访了赵秀兰老人", nil, "走访了赵某老人"},
		{"KeepsOrdinaryText", "网格员巡查发现消防通道被占用", nil, "网格员巡查发现消防通道被占用"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, _ := Mask(c.in, c.names)
			if got != c.want {
				t.Fatalf("Mask(%q) = %q, want %q", c.in, got, c.want)
			}
			if Unmasked(got) {
				t.Fatalf("%q still holds a number", got)
			}
		})
	}
}

func FuzzMaskLeavesNoNumber(f *testing.F) {
	f.Add("居民张三，电话13900001111，身份证110101199003077777")
	f.Fuzz(func(t *testing.T, s string) {
		got, _ := Mask(s, nil)
		if Unmasked(got) {
			t.Fatalf("Mask(%q) = %q still holds a number", s, got)
		}
		if strings.Count(got, "某") < strings.Count(s, "某") {
			t.Fatalf("Mask dropped text")
		}
	})
}
