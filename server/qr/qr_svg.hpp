#pragma once
// A QR code as an SVG image: the room display shows the join link this way, so that people in
// the room can join from their phones.

#include <optional>
#include <string>
#include <string_view>

namespace rt::qr {

// Four modules of light margin on each side, as the QR standard asks, so a reader finds it.
constexpr int kQuietZone = 4;

// The SVG of `text` (error correction M: a projector's glare or a smudge can hide 15%), or
// nothing when the text does not fit in a QR code. One dark <path>, a run of modules per
// subpath, in a viewBox one unit per module: the browser scales it without blur.
std::optional<std::string> qr_svg(std::string_view text);

}  // namespace rt::qr
