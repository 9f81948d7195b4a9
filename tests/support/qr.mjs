// Reads a QR code the way a phone would: jsQR on pixels. The pixels come from a page's canvas
// (e2e) or from the server's SVG drawn here (integration).
import jsQR from 'jsqr';

export const decodeQr = (rgba, width, height) => jsQR(rgba, width, height)?.data ?? null;

// Draws the server's SVG (one path of "M{x} {y}h{n}v1h-{n}z" runs on a white square) at
// `scale` pixels per module, without a browser.
export function rasteriseQrSvg(svg, scale = 4) {
	const size = Number(/viewBox="0 0 (\d+) \d+"/.exec(svg)[1]);
	const width = size * scale;
	const rgba = new Uint8ClampedArray(width * width * 4).fill(255);
	for (const [, x, y, n] of svg.matchAll(/M(\d+) (\d+)h(\d+)v1h-\d+z/g)) {
		for (let py = Number(y) * scale; py < (Number(y) + 1) * scale; py += 1) {
			for (let px = Number(x) * scale; px < (Number(x) + Number(n)) * scale; px += 1) {
				rgba.fill(0, (py * width + px) * 4, (py * width + px) * 4 + 3);
			}
		}
	}
	return { rgba, width };
}
