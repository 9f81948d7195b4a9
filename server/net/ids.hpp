// Unguessable identifiers, from the OpenSSL CSPRNG.
#pragma once

#include <string>
#include <string_view>

namespace rt::net {

// 16 characters of [a-z0-9]: about 82 bits, so ids cannot be enumerated.
std::string new_meeting_id();
// XXXX-XXXX over 31 letters and digits without 0/O/1/I/L (read aloud in a room without
// confusion): 31^8, about 8.5e11 codes.
std::string new_join_code();
// Whether `code` has the form new_join_code() draws (whether a meeting uses it is the store's).
bool is_join_code_form(std::string_view code);
// 32 random bytes, hex: the token-signing secret when none is configured.
std::string new_secret();

}  // namespace rt::net
