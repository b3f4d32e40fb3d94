#include "obs/Redact.hpp"

#include <gtest/gtest.h>

namespace monti::obs {
namespace {

TEST(RedactSecrets, MasksUrlPasswords) {
  EXPECT_EQ(redactSecrets("connect to postgresql://monti:s3cret@db:5432/monti failed"),
            "connect to postgresql://monti:****@db:5432/monti failed");
}

TEST(RedactSecrets, LeavesUrlsWithoutPasswordAlone) {
  EXPECT_EQ(redactSecrets("GET https://example.com/a:b and http://u@h/x"),
            "GET https://example.com/a:b and http://u@h/x");
}

TEST(RedactSecrets, MasksKeyValueSecretsCaseInsensitively) {
  EXPECT_EQ(redactSecrets("host=db Password=hunter2 user=x"), "host=db Password=**** user=x");
  EXPECT_EQ(redactSecrets("?token=abc&q=1"), "?token=****&q=1");
  EXPECT_EQ(redactSecrets("secret=xyz,apikey=k"), "secret=****,apikey=****");
}

TEST(RedactSecrets, PlainTextIsUnchanged) { EXPECT_EQ(redactSecrets("nothing to see"), "nothing to see"); }

}  // namespace
}  // namespace monti::obs
