-- wrk script for bench/http_load.py (bench/site_load/wrk_load.py runs it): one connection
-- per thread, so a thread's responses come in the order of its requests. Each response is
-- logged as "kind tag status microseconds" (LuaJIT's FFI clock) to HAMLET_LOGS/thread-N.log.
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } hamlet_timespec;
int clock_gettime(int clock_id, hamlet_timespec *tp);
]]
local clock = ffi.new("hamlet_timespec")
local function now_us()
  ffi.C.clock_gettime(1, clock)  -- CLOCK_MONOTONIC
  return tonumber(clock.tv_sec) * 1000000 + tonumber(clock.tv_nsec) / 1000
end
local form_type = "application/x-www-form-urlencoded"

local thread_count = 0
function setup(thread)
  thread_count = thread_count + 1
  thread:set("tid", thread_count)
end

function init(args)
  mode, prefix, key = os.getenv("HAMLET_MODE"), os.getenv("HAMLET_PREFIX"), os.getenv("HAMLET_KEY")
  texts = {}
  for line in io.lines(os.getenv("HAMLET_TEXTS")) do texts[#texts + 1] = line end
  local articles = {}
  for path in string.gmatch(os.getenv("HAMLET_ARTICLES"), "[^,]+") do
    articles[#articles + 1] = path
  end
  article = articles[(tid - 1) % #articles + 1]
  log = io.open(os.getenv("HAMLET_LOGS") .. "/thread-" .. tid .. ".log", "w")
  log:setvbuf("line")  -- wrk never closes a thread's Lua state, so nothing may wait in a buffer
  seq, state, kind, tag, started = 0, "page", "", "-", 0
end

local function text()
  return texts[(tid * 7919 + seq) % #texts + 1]
end

function request()
  started = now_us()
  if mode == "check" or mode == "unscored" then
    seq = seq + 1
    kind, tag = mode, prefix .. "-" .. tid .. "-" .. seq
    local body = "api_key=" .. key .. "&blog=http%3A%2F%2Fbench.example%2F"
      .. "&user_ip=10.1." .. tid .. "." .. (seq % 250 + 1) .. "&user_agent=wrk"
      .. "&comment_type=comment&comment_author=Reader+" .. tid
      .. "&comment_content=" .. tag .. "+" .. text()
    if mode == "unscored" then body = body .. "&user_role=administrator" end
    return wrk.format("POST", "/akismet/1.1/comment-check", {["Content-Type"] = form_type}, body)
  end
  local headers = {}
  if cookie then headers["Cookie"] = cookie end
  if state == "page" then
    kind, tag = "page", "-"
    return wrk.format("GET", article, headers)
  end
  seq = seq + 1
  kind, tag = "post", prefix .. "-" .. tid .. "-" .. seq
  headers["Content-Type"] = form_type
  local body = "csrfmiddlewaretoken=" .. csrf .. "&token=" .. token .. "&next=" .. article
    .. "&name=Reader+" .. tid .. "&email=reader" .. tid .. "%40example.com&website="
    .. "&comment=" .. tag .. "+" .. text() .. "&website_confirm="
  return wrk.format("POST", "/comments/post/", headers, body)
end

function response(status, headers, body)
  log:write(kind, " ", tag, " ", status, " ", string.format("%d", now_us() - started), "\n")
  if mode ~= "form" then return end
  if kind == "page" and status == 200 then
    local set_cookie = headers["Set-Cookie"]
    local value = set_cookie and set_cookie:match("csrftoken=([^;]+)")
    if value then cookie = "csrftoken=" .. value end
    csrf = body:match('name="csrfmiddlewaretoken" value="([^"]+)"')
    token = body:match('name="token" value="([^"]+)"')
    if cookie and csrf and token then
      token = token:gsub(":", "%%3A")
      state = "post"
    end
  elseif kind == "post" then
    state = "page"
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'HAMLET_JSON {"duration_us": %d, "requests": %d, "connect": %d, "read": %d, '
    .. '"write": %d, "status": %d, "timeout": %d}\n',
    summary.duration, summary.requests, e.connect, e.read, e.write, e.status, e.timeout))
end
