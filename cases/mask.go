// Package cases is the case library (典型案例): cases that workers and
// shadowing participants meet, masked of residents' personal data, curated
// by trainers into a searchable library and work guides.
package cases

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// Placeholders for what masking removes.
const (
	PhoneRemoved = "［电话已隐去］"
	IDRemoved    = "［证件号已隐去］"
)

var (
	// An 18- or 15-digit resident ID number, the last of 18 maybe X; spaces
	// inside are allowed, as people type them in groups.
	idNumber = regexp.MustCompile(`[1-9]\d{5}\s?(?:19|20)\d{2}\s?\d{4}\s?\d{3}[\dXx]|\b[1-9]\d{14}\b`)
	// A mobile number (with +86 and spaces or dashes inside) or a landline with its area code.
	phoneNumber = regexp.MustCompile(`(?:\+?86[\s-]?)?1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}|0\d{2,3}-?\d{7,8}`)
	// A name after a word that names a resident: 居民张晓明 → 居民张某.
	afterRole = regexp.MustCompile(`(居民|业主|租户|租客|村民|住户|户主|当事人|老人|独居老人|商户|店主|群众|家属|房东|阿姨|大爷|老伯|小伙|女士|先生)([：:]?)([` + surnameClass + `])[\p{Han}]{1,2}`)
	// A name before a word that names a resident: 张晓明老人 → 张某老人.
	beforeRole = regexp.MustCompile(`([` + surnameClass + `])[\p{Han}]{1,2}(老人|大爷|大妈|阿姨|奶奶|爷爷|夫妇|一家|家中|女士|先生)`)
)

// surnameClass are common Chinese surnames, for the name patterns.
const surnameClass = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"

// Mask removes residents' personal data from a case's text before anyone
// else sees it: ID numbers and phone numbers are replaced by a placeholder,
// each name given (the residents the writer names) becomes its surname and
// 某 (张晓明 → 张某), and so do names that a word for a resident stands
// next to (居民张晓明, 王桂英老人). It reports whether it changed anything.
func Mask(text string, names []string) (string, bool) {
	out := idNumber.ReplaceAllString(text, IDRemoved)
	out = phoneNumber.ReplaceAllString(out, PhoneRemoved)
	for _, n := range names {
		n = strings.TrimSpace(n)
		if utf8.RuneCountInString(n) < 2 {
			continue
		}
		out = strings.ReplaceAll(out, n, masked(n))
	}
	out = afterRole.ReplaceAllString(out, "${1}${2}${3}某")
	out = beforeRole.ReplaceAllString(out, "${1}某${2}")
	return out, out != text
}

// masked is a name as the library shows it: its surname (one character, or
// two for the compound surnames) and 某.
func masked(name string) string {
	r := []rune(name)
	for _, c := range compoundSurnames {
		if strings.HasPrefix(name, c) && len(r) > 2 {
			return c + "某"
		}
	}
	return string(r[0]) + "某"
}

var compoundSurnames = []string{"欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "令狐", "慕容", "司徒", "夏侯"}

// Unmasked reports whether text still holds a phone or ID number.
func Unmasked(text string) bool {
	return idNumber.MatchString(text) || phoneNumber.MatchString(text)
}
