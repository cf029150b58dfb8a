package media

import "bytes"

// Files as their first bytes show them (http.DetectContentType), padded
// to a realistic length.
var (
	jpegFile = pad("\xff\xd8\xff\xe0\x00\x10JFIF\x00")
	pngFile  = pad("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	gifFile  = pad("GIF89a\x01\x00\x01\x00")
	pdfFile  = pad("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	webpFile = pad("RIFF\x24\x00\x00\x00WEBPVP8 ")
)

func pad(head string) []byte {
	return append([]byte(head), bytes.Repeat([]byte{0x42}, 2048)...)
}
