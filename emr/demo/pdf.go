package demo

import (
	"bytes"
	"fmt"
	"strings"
)

// renderPDF writes a minimal one-page A4 PDF 1.4 document: a bold heading
// and title, then one line of text per entry, in the standard Helvetica
// fonts (so nothing is embedded). Characters outside printable ASCII are
// shown as '?', which the seed data avoids.
func renderPDF(heading, title string, lines []string) []byte {
	var content bytes.Buffer
	content.WriteString("BT\n/F2 16 Tf\n50 790 Td\n(" + pdfText(heading) + ") Tj\n")
	content.WriteString("/F2 13 Tf\n0 -26 Td\n(" + pdfText(title) + ") Tj\n/F1 11 Tf\n0 -10 Td\n")
	for _, l := range lines {
		content.WriteString("0 -16 Td\n(" + pdfText(l) + ") Tj\n")
	}
	content.WriteString("ET\n")

	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] " +
			"/Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", content.Len(), content.String()),
	}

	var out bytes.Buffer
	out.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objects))
	for i, obj := range objects {
		offsets[i] = out.Len()
		fmt.Fprintf(&out, "%d 0 obj\n%s\nendobj\n", i+1, obj)
	}
	xref := out.Len()
	fmt.Fprintf(&out, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&out, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&out, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)
	return out.Bytes()
}

// pdfText escapes a string for a PDF literal string.
func pdfText(s string) string {
	var b strings.Builder
	for _, c := range s {
		switch {
		case c == '(' || c == ')' || c == '\\':
			b.WriteByte('\\')
			b.WriteRune(c)
		case c < 0x20 || c > 0x7e:
			b.WriteByte('?')
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}
