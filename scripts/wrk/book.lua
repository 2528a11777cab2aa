-- wrk script for the booking form: every request is a new, valid booking with its own
-- contacts, from its own client address (the server reads X-Real-IP, so the per-address rate
-- limit counts residents, not the load generator), spread over the open slots. The file named
-- by BOOK_DATA, written by scripts/bench_http.py, holds the CSRF cookie and token, the slot
-- values and the run's tag. done() prints the answers by status for bench_http.py.
local data = dofile(os.getenv("BOOK_DATA"))
local threads = {}

function setup(thread)
   thread:set("id", #threads)
   table.insert(threads, thread)
end

function init(args)
   statuses = {}
   sent = 0
end

function request()
   sent = sent + 1
   -- Unique over the run: up to 10 million requests per thread.
   local seq = id * 10000000 + sent
   local ip = string.format("10.%d.%d.%d", (id * 64 + math.floor(sent / 65536)) % 256,
      math.floor(sent / 256) % 256, sent % 256)
   local body = table.concat({
      "csrfmiddlewaretoken=", data.csrf_token,
      "&organization_name=", data.organization, seq,
      "&contact_name=", data.contact, seq,
      "&contact_phone=", string.format("13%09d", (data.phone_base + seq) % 1000000000),
      "&contact_email=bench-", data.tag, "-", seq, "%40example.com",
      "&group_size=", data.group_size,
      "&slot=", data.slots[seq % #data.slots + 1],
      "&consent=on&website=&note=",
   })
   local headers = {
      ["Content-Type"] = "application/x-www-form-urlencoded",
      ["Cookie"] = "csrftoken=" .. data.csrf_cookie,
      ["X-Real-IP"] = ip,
   }
   return wrk.format("POST", nil, headers, body)
end

function response(status, headers, body)
   statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
   local parts = {}
   local totals = {}
   for _, thread in ipairs(threads) do
      for status, count in pairs(thread:get("statuses")) do
         totals[status] = (totals[status] or 0) + count
      end
   end
   for status, count in pairs(totals) do
      table.insert(parts, string.format('"%d": %d', status, count))
   end
   io.write("BOOKING_STATUSES {" .. table.concat(parts, ", ") .. "}\n")
end
