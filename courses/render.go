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

// mediaSrcset is the only srcset allowed: the sizes Responsive writes.
var mediaSrcset = regexp.MustCompile(`^/media/[0-9a-f]{64}-480 480w, /media/[0-9a-f]{64}-960 960w, /media/[0-9a-f]{64} 1280w$`)

// mediaImg is an uploaded image as the sanitizer writes it.
var mediaImg = regexp.MustCompile(`<img src="/media/([0-9a-f]{64})"`)

// imageSizes says how wide a lesson's image is shown: the whole screen of a
// phone, at most the 720 px of the lesson column.
const imageSizes = "(max-width: 760px) 100vw, 720px"

// Responsive has every uploaded image of sanitized HTML served in the size
// that fits the screen (srcset of the copies SaveImage made) and loaded only
// when it comes near the screen.
func Responsive(html string) string {
	return mediaImg.ReplaceAllString(html, `<img src="/media/$1" srcset="/media/$1-480 480w, /media/$1-960 960w, /media/$1 1280w" sizes="`+imageSizes+`" loading="lazy" decoding="async"`)
}

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
	p.AllowAttrs("srcset").Matching(mediaSrcset).OnElements("img")
	p.AllowAttrs("sizes").Matching(regexp.MustCompile(`^` + regexp.QuoteMeta(imageSizes) + `$`)).OnElements("img")
	p.AllowAttrs("loading").Matching(regexp.MustCompile(`^lazy$`)).OnElements("img")
	p.AllowAttrs("decoding").Matching(regexp.MustCompile(`^async$`)).OnElements("img")
	p.AllowElements("p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "del", "s",
		"ul", "ol", "li", "blockquote", "code", "pre", "table", "thead", "tbody", "tr", "th", "td", "sup", "sub")
	p.AllowAttrs("align").Matching(regexp.MustCompile(`^(left|right|center)$`)).OnElements("th", "td")
	p.AllowAttrs("start").Matching(bluemonday.Integer).OnElements("ol")
	p.AllowAttrs("type").Matching(regexp.MustCompile(`^checkbox$`)).OnElements("input")
	p.AllowAttrs("checked", "disabled").Matching(regexp.MustCompile(`^(|checked|disabled)$`)).OnElements("input")
	return p
}()

// Render turns a lesson's Markdown into sanitized HTML, its images responsive.
func Render(md string) string {
	var buf bytes.Buffer
	if err := markdown.Convert([]byte(md), &buf); err != nil {
		// goldmark fails only on a failing writer; a bytes.Buffer never does.
		return ""
	}
	return Responsive(Sanitize(buf.String()))
}

// Sanitize removes everything but the safe subset of HTML lessons may use.
func Sanitize(html string) string { return policy.Sanitize(html) }
