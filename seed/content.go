package seed

import "embed"

// Content is the training content shipped with Gridskill: course modules
// under content/modules and question banks under content/questions, in the
// formats seed/CONTENT.md describes.
//
//go:embed content
var Content embed.FS
