package gridskill

import "time"

// chinaZone is China Standard Time, UTC+8 all year (China keeps no daylight
// saving time), so a fixed zone needs no time zone database on the server.
var chinaZone = time.FixedZone("CST", 8*3600)

// ChinaZone is the zone people read and enter times in: dates on pages and
// certificates, exam windows, due dates, and the calendar that training years
// and days are counted in. The server keeps and compares times in UTC.
func ChinaZone() *time.Location { return chinaZone }
