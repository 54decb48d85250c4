# Verifies the DKIM signature of a message with dkimpy (Debian's python3-dkim), the public key
# served from the command line instead of DNS.
#   python3 verify.py MESSAGE_FILE DNS_NAME TXT_VALUE
# Exit 0 and "pass" when the signature verifies, 1 and "fail: ..." when it does not.
import logging
import sys

import dkim

logging.basicConfig(stream=sys.stderr, level=logging.DEBUG, format="%(message)s")
path, expected_name, record = sys.argv[1], sys.argv[2], sys.argv[3]
asked = []


def dns(name, timeout=5):
    name = name.decode() if isinstance(name, bytes) else name
    asked.append(name)
    if name.rstrip(".") == expected_name:
        return record.encode()
    return None


with open(path, "rb") as f:
    message = f.read()
d = dkim.DKIM(message, logger=logging.getLogger())
try:
    ok = d.verify(dnsfunc=dns)
except dkim.DKIMException as e:
    print("fail: " + str(e) + " (asked " + str(asked) + ")")
    sys.exit(1)
if ok:
    print("pass")
    sys.exit(0)
print("fail: the signature does not verify (asked " + str(asked) + ")")
sys.exit(1)
