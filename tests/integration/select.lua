-- select.lua: the frames each of several display filters selects, in one
-- tshark run (tshark -X lua_script:select.lua -X lua_script1:MARKER
-- -X lua_script1:HEX ...; each HEX is one display filter, hex-encoded).
-- With -T fields (a tree with every item, as with -Y in a -T fields run)
-- the frames a filter selects here are the frames `-Y FILTER` prints.
-- After tshark's own output: MARKER, then one line per filter with the
-- numbers of the frames it selected, or "!error: MESSAGE" for a filter
-- tshark does not accept.
local args = { ... }
local marker = args[1]
local hits, errors = {}, {}
for i = 2, #args do
  local k = i - 1
  hits[k] = {}
  local filter = args[i]:gsub("%x%x", function(h) return string.char(tonumber(h, 16)) end)
  local ok, listener = pcall(Listener.new, nil, filter)
  if ok then
    function listener.packet(pinfo)
      local t = hits[k]
      t[#t + 1] = pinfo.number
    end
  else
    errors[k] = tostring(listener):gsub("\n", " ")
  end
end
local last = Listener.new(nil, nil)
function last.draw()
  local out = { marker }
  for k = 1, #args - 1 do
    out[#out + 1] = errors[k] and ("!error: " .. errors[k]) or table.concat(hits[k], " ")
  end
  print(table.concat(out, "\n"))
end
