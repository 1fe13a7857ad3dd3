#!/usr/bin/env bash
# End-to-end test of the main job (`oneid demo`) on a small population: every step runs, every
# result table lands in SQLite, and the HTML report holds every figure; then the report is
# rendered in headless Chromium (scripts/setup.sh installs it) and each figure must have been drawn.
set -euo pipefail
oneid="$1"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$oneid" demo --help | grep -q "report.html" || fail "demo --help"
"$oneid" demo --people 3000 --batches 2 --out-dir "$work" > "$work/out.txt" || fail "demo exited non-zero"
grep -q "^\[7/7\] wrote the report" "$work/out.txt" || fail "demo did not reach the report"
grep -q "churn model on the later period: AUC 0\.[6-9]" "$work/out.txt" || fail "churn AUC missing or weak: $(grep churn "$work/out.txt")"

db="$work/demo.db"
for table in accounts orders behaviour oneid_map merge_log profiles triggers; do
  n=$(sqlite3 "$db" "SELECT COUNT(*) FROM $table")
  [ "$n" -gt 0 ] || [ "$table" = merge_log ] || fail "table $table is empty"
done
# Every account maps to a OneID, and every profile row is a OneID of the map.
[ "$(sqlite3 "$db" "SELECT COUNT(*) FROM accounts a LEFT JOIN oneid_map m USING (account_id) WHERE m.oneid IS NULL")" = 0 ] \
  || fail "accounts without a OneID"
[ "$(sqlite3 "$db" "SELECT COUNT(*) FROM profiles WHERE oneid NOT IN (SELECT oneid FROM oneid_map)")" = 0 ] \
  || fail "profiles of unknown OneIDs"
sqlite3 "$db" "SELECT lifecycle_stage, rfm_segment, value_tier, clv, p_alive, churn_probability FROM profiles LIMIT 1" >/dev/null \
  || fail "profiles lacks score or segment columns"

report="$work/report.html"
for fig in fig-refusals fig-lifecycle fig-rfm-segments fig-rfm-heatmap fig-clv fig-tracking fig-calibration; do
  grep -q "<figure id=\"$fig\"><svg" "$report" || fail "figure $fig missing from the report"
done
if grep -qE '<(script|link|img)[ >]' "$report"; then fail "the report is not self-contained"; fi

browser=$(command -v chromium || command -v chromium-browser || true)
[ -n "$browser" ] || fail "chromium is not installed (scripts/setup.sh installs it)"
# Rendered, each figure's box must hold drawn pixels: take a screenshot and count non-white ones
# inside the rectangle the browser gives each figure.
cat > "$work/probe.html" <<HTML
<!DOCTYPE html><html><body style="margin:0"><iframe id="r" src="file://$report" style="border:0;width:1100px;height:9000px"></iframe>
<script>
document.getElementById('r').onload = () => {
  const d = document.getElementById('r').contentDocument;
  const boxes = [...d.querySelectorAll('figure')].map(f => { const b = f.getBoundingClientRect();
    return [f.id, Math.round(b.left), Math.round(b.top), Math.round(b.width), Math.round(b.height)].join(','); });
  document.title = 'BOXES:' + boxes.join(';');
};
</script></body></html>
HTML
timeout 120 "$browser" --headless --no-sandbox --disable-gpu --allow-file-access-from-files --hide-scrollbars \
  --virtual-time-budget=5000 --dump-dom "file://$work/probe.html" 2>/dev/null > "$work/dom.html" || fail "chromium failed"
boxes=$(sed -n 's/.*<title>BOXES:\([^<]*\)<\/title>.*/\1/p' "$work/dom.html")
[ -n "$boxes" ] || fail "chromium did not lay the report out"
timeout 120 "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1100,9000 \
  --screenshot="$work/report.png" "file://$report" >/dev/null 2>&1 || fail "chromium screenshot failed"
python3 - "$work/report.png" "$boxes" <<'PY'
import sys
from PIL import Image
image = Image.open(sys.argv[1]).convert("L")
drawn = 0
for box in sys.argv[2].split(";"):
    name, x, y, w, h = box.split(",")
    x, y, w, h = int(x), int(y), int(w), int(h)
    assert w > 100 and h > 100, f"figure {name} has no size: {w}x{h}"
    crop = image.crop((x, y, x + w, y + h))
    ink = sum(crop.histogram()[:200])
    assert ink > 2000, f"figure {name} rendered blank ({ink} dark pixels)"
    drawn += 1
assert drawn >= 7, f"only {drawn} figures laid out"
print(f"{drawn} figures rendered with ink")
PY
echo "demo report OK"
