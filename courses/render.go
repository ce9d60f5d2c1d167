package courses

import (
	"bytes"
	"regexp"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer/html"
)

// markdown renders lessons: CommonMark with GitHub tables, strikethrough and
// task lists. Raw HTML in the source is dropped by goldmark (it is not in
// unsafe mode), and the output is sanitized again below.
var markdown = goldmark.New(
	goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.TaskList, extension.CJK),
	goldmark.WithRendererOptions(html.WithHardWraps()),
)

// mediaSrc is the only image source allowed: our own uploaded images.
var mediaSrc = regexp.MustCompile(`^/media/[0-9a-f]{64}$`)

// policy is the sanitizer: bluemonday's user-content policy, with images
// limited to /media/ and links to http, https, mailto and relative URLs.
// No script, style, event handler, data: or javascript: URL survives it.
var policy = func() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowStandardURLs()
	p.AllowURLSchemes("http", "https", "mailto")
	p.RequireNoFollowOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)
	p.AllowAttrs("href").OnElements("a")
	p.AllowAttrs("src").Matching(mediaSrc).OnElements("img")
	p.AllowAttrs("alt", "title").Matching(bluemonday.Paragraph).OnElements("img")
	p.AllowElements("p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "del", "s",
		"ul", "ol", "li", "blockquote", "code", "pre", "table", "thead", "tbody", "tr", "th", "td", "sup", "sub")
	p.AllowAttrs("align").Matching(regexp.MustCompile(`^(left|right|center)$`)).OnElements("th", "td")
	p.AllowAttrs("start").Matching(bluemonday.Integer).OnElements("ol")
	p.AllowAttrs("type").Matching(regexp.MustCompile(`^checkbox$`)).OnElements("input")
	p.AllowAttrs("checked", "disabled").Matching(regexp.MustCompile(`^(|checked|disabled)$`)).OnElements("input")
	return p
}()

// Render turns a lesson's Markdown into sanitized HTML.
func Render(md string) string {
	var buf bytes.Buffer
	if err := markdown.Convert([]byte(md), &buf); err != nil {
		// goldmark fails only on a failing writer; a bytes.Buffer never does.
		return ""
	}
	return Sanitize(buf.String())
}

// Sanitize removes everything but the safe subset of HTML lessons may use.
func Sanitize(html string) string { return policy.Sanitize(html) }
