package web

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"gridskill"
)

// Languages the pages speak; the first is the default.
func Languages() []string { return []string{"zh", "en"} }

// catalogue translates user-facing text. Messages are keyed by their English
// text (as gettext does), so English needs no file and a missing translation
// falls back to readable English.
type catalogue struct {
	bundle     *i18n.Bundle
	localizers map[string]*i18n.Localizer
}

func loadCatalogue(locales fs.FS) (*catalogue, error) {
	b := i18n.NewBundle(language.English)
	b.RegisterUnmarshalFunc("json", json.Unmarshal)
	files, err := fs.Glob(locales, "locales/*.json")
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		data, err := fs.ReadFile(locales, f)
		if err != nil {
			return nil, err
		}
		if _, err := b.ParseMessageFileBytes(data, path.Base(f)); err != nil {
			return nil, fmt.Errorf("message catalogue %s: %w", f, err)
		}
	}
	c := &catalogue{bundle: b, localizers: map[string]*i18n.Localizer{}}
	for _, l := range Languages() {
		c.localizers[l] = i18n.NewLocalizer(b, l)
	}
	return c, nil
}

// translate returns the text of id in lang, formatted with args.
func (c *catalogue) translate(lang, id string, args ...any) string {
	if len(args) == 1 {
		if list, ok := args[0].([]any); ok { // a template passing an error's Args
			args = list
		}
	}
	l, ok := c.localizers[lang]
	if !ok {
		l = c.localizers[Languages()[0]]
	}
	text, err := l.Localize(&i18n.LocalizeConfig{MessageID: id, DefaultMessage: &i18n.Message{ID: id, Other: id}})
	if err != nil {
		text = id
	}
	if len(args) > 0 && strings.Contains(text, "%") {
		args = slices.Clone(args)
		for i, a := range args {
			if label, ok := a.(gridskill.Label); ok {
				args[i] = c.translate(lang, string(label))
			}
		}
		return fmt.Sprintf(text, args...)
	}
	return text
}

func pickLanguage(cookie string) string {
	for _, l := range Languages() {
		if cookie == l {
			return l
		}
	}
	return Languages()[0]
}
