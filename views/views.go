// Package views holds the HTML templates, the static files and the message
// catalogue, embedded in the binary so Gridskill runs on an intranet with
// nothing beside it.
package views

import "embed"

// Templates holds layouts/, partials/ and one folder of templates per feature.
//
//go:embed layouts partials pages people quiz certify courses contest practical cases rotation selection dashboard notify
var Templates embed.FS

// Static holds the CSS, scripts and images served under /static.
//
//go:embed static
var Static embed.FS

// Locales holds the message catalogue, one JSON file per language.
//
//go:embed locales
var Locales embed.FS
