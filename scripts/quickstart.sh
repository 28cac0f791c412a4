#!/usr/bin/env bash
# The main job until the office hub lands: builds the `fieldbook` CLI, creates
# a device store (PIN from FIELDBOOK_PIN, or asked for), records a client, an
# outreach contact and a referral, and shows what is due.
set -euo pipefail
cd "$(dirname "$0")/.."

data="${FIELDBOOK_DATA:-$PWD/fieldbook-data}"
cargo build --release -p fieldbook-cli
fb() { ./target/release/fieldbook --data "$data" "$@"; }

if [ ! -f "$data/fieldbook.db" ]; then
    fb init --role supervisor
fi
if [ -z "${FIELDBOOK_PIN:-}" ] && [ -t 0 ]; then
    read -r -s -p "PIN: " FIELDBOOK_PIN && echo
    export FIELDBOOK_PIN
fi

today=$(date +%F)
client=$(fb add client --allow-duplicate --json - <<JSON
{"alias": "Hoa", "sex": "female", "birth_year": 1994, "area": "Chợ Long Biên",
 "uic_mother_name": "Nguyễn Thị Lan", "uic_father_name": "Trần Văn Minh",
 "injecting": true, "notes": "Gặp lần đầu ở chợ"}
JSON
)
fb add contact --json - <<JSON
{"client_id": "$client", "at": "$(date -u +%FT%TZ)", "place": "Chợ Long Biên",
 "visit_type": "first", "services": {"syringes": 10, "naloxone": 1}, "notes": "Phát bơm kim tiêm"}
JSON
fb add referral --json - <<JSON
{"client_id": "$client", "service": "methadone", "status": "sent", "date": "$today",
 "follow_up_due": "$today", "facility": "Cơ sở methadone Long Biên"}
JSON

echo
echo "Clients:"; fb list client
echo
echo "Due today:"; fb due
echo
echo "Timeline of $client:"; fb timeline "$client"
echo
fb audit verify
echo
echo "Store: $data (try: ./target/release/fieldbook --data $data --help)"
