extension RedisScripts {
    /// One bounded step of an enumeration: reads up to `chunk` names of `prism:{ns}:ids` after `start`,
    /// skips expired identities and evaluates a ``LuaFilter`` program over each one's metadata.
    ///
    /// The script text is fixed: the filter arrives as a program of ARGV tokens, and every value or key
    /// in it is a whole ARGV string that is compared as data, never parsed as Lua (see ``LuaFilter``).
    /// Evaluation is three-valued: 1 (matches), 0 (does not) and 2 (undecided here: the caller decides
    /// the row with the reference evaluator).
    ///
    /// KEYS: ids. ARGV: now, 'asc' | 'desc', start ('-', '+' or '(' name), chunk, cursor name ('' none),
    /// mode, budget, identity key prefix, needle count k, k needles, then the program.
    /// Modes: 'all' returns every match with its fields; 'names' returns every match's name (fields only
    /// when undecided); 'page' returns fields for undecided matches and for the first `budget` matches
    /// after the cursor, and only counts the other matches.
    /// Returns {next start ('' when done), counted before the cursor, counted after it, budget left,
    /// then per returned row: name, '1' (decided) | '?' (undecided), m, r, u, e}.
    static let scan = """
        local byte, sub, find, ipairs, pairs, type = string.byte, string.sub, string.find, ipairs, pairs, type
        local null = cjson.null
        local T, F, U = 1, 0, 2

        -- Lua's < on strings follows the server's collation locale; the filter language orders by bytes.
        local function order(a, b)
          if a == b then return 0 end
          local n = #a
          if #b < n then n = #b end
          for i = 1, n do
            local x, y = byte(a, i), byte(b, i)
            if x ~= y then if x < y then return -1 else return 1 end end
          end
          if #a < #b then return -1 else return 1 end
        end

        -- DottedVersion: an optional 'v', then 1 to 8 dot-separated runs of 1 to 9 digits; trailing zeros dropped.
        local function version(text)
          if byte(text, 1) == 118 then text = sub(text, 2) end
          if text == '' then return nil end
          local parts, at = {}, 1
          while true do
            local dot = find(text, '.', at, true)
            local part = sub(text, at, dot and dot - 1 or -1)
            if #part == 0 or #part > 9 or find(part, '[^0-9]') or #parts == 8 then return nil end
            parts[#parts + 1] = tonumber(part)
            if not dot then break end
            at = dot + 1
          end
          while #parts > 1 and parts[#parts] == 0 do parts[#parts] = nil end
          return parts
        end

        local function versionOrder(a, b)
          local n = #a
          if #b < n then n = #b end
          for i = 1, n do
            if a[i] ~= b[i] then if a[i] < b[i] then return -1 else return 1 end end
          end
          if #a == #b then return 0 elseif #a < #b then return -1 else return 1 end
        end

        local function literal(token)
          local tag, body = sub(token, 1, 1), sub(token, 2)
          if tag == 's' then return body end
          if tag == 'n' then return tonumber(body) end
          if tag == 't' then return true end
          if tag == 'f' then return false end
          return null
        end

        -- Swift looks keys up bytewise in objects of up to 127 keys, but binary-searches larger ones by
        -- canonical equivalence: a miss in such an object is left undecided.
        local function lookup(doc, path)
          local current = doc
          for i = 1, #path do
            if type(current) ~= 'table' then return nil end
            local nextValue = current[path[i]]
            if nextValue == nil then
              local keys = 0
              for _ in pairs(current) do
                keys = keys + 1
                if keys > 127 then return nil, true end
              end
              return nil
            end
            current = nextValue
          end
          return current
        end

        local function any(value, test)
          if type(value) ~= 'table' then return F end
          for _, element in ipairs(value) do
            if test(element) then return T end
          end
          return F
        end

        local function bool(flag) if flag then return T end return F end

        local ordering = {
          lt = function(c) return c < 0 end, le = function(c) return c <= 0 end,
          gt = function(c) return c > 0 end, ge = function(c) return c >= 0 end, eq = function(c) return c == 0 end,
        }

        -- The positive test of a present field, as a function of the field's value.
        local function fieldTest(name, operands)
          if name == 'exists' then return function() return T end end
          if name == 'eq' then
            local expected = literal(operands[1])
            return function(v) return bool(v == expected) end
          end
          if name == 'in' then
            local set = {}
            for i = 1, #operands do set[literal(operands[i])] = true end
            local function member(e) return set[e] == true end
            return function(v)
              if type(v) == 'table' then return any(v, member) end
              return bool(set[v] == true)
            end
          end
          if name == 'contains' then
            local needle = literal(operands[1])
            local function equal(e) return e == needle end
            return function(v)
              if type(v) == 'string' then return bool(type(needle) == 'string' and find(v, needle, 1, true) ~= nil) end
              return any(v, equal)
            end
          end
          if name == 'prefix' then
            local prefix = literal(operands[1])
            return function(v) return bool(type(v) == 'string' and sub(v, 1, #prefix) == prefix) end
          end
          if name == 'suffix' then
            local suffix = literal(operands[1])
            return function(v) return bool(type(v) == 'string' and (#suffix == 0 or sub(v, -#suffix) == suffix)) end
          end
          if sub(name, 1, 1) == 'v' then
            local accepts, bound = ordering[sub(name, 2)], version(operands[1])
            return function(v)
              if type(v) ~= 'string' then return F end
              local parsed = version(v)
              return bool(parsed ~= nil and accepts(versionOrder(parsed, bound)))
            end
          end
          local accepts, bound = ordering[name], literal(operands[1])
          if type(bound) == 'number' then
            return function(v)
              if type(v) ~= 'number' then return F end
              if v < bound then return bool(accepts(-1)) elseif v == bound then return bool(accepts(0)) end
              return bool(accepts(1))
            end
          end
          return function(v) return bool(type(v) == 'string' and accepts(order(v, bound))) end
        end

        local pc = 10 + tonumber(ARGV[9])
        local needsMetadata = false
        local function token()
          pc = pc + 1
          return ARGV[pc - 1]
        end

        local parse
        parse = function()
          local op = token()
          if op == 'T' then return function() return T end end
          if op == 'F' then return function() return F end end
          if op == 'U' then return function() return U end end
          if op == '!' then
            local operand = parse()
            return function(doc, name)
              local r = operand(doc, name)
              if r == U then return U end
              return 1 - r
            end
          end
          if op == '&' or op == '|' then
            local count = tonumber(token())
            local operands = {}
            for i = 1, count do operands[i] = parse() end
            local decisive = F
            if op == '|' then decisive = T end
            return function(doc, name)
              local result = 1 - decisive
              for i = 1, count do
                local r = operands[i](doc, name)
                if r == decisive then return decisive end
                if r == U then result = U end
              end
              return result
            end
          end
          local negated = token() == '1'
          local length = token()
          local path = nil
          if length ~= '@' then
            path = {}
            for i = 1, tonumber(length) do path[i] = token() end
            needsMetadata = true
          end
          local operands = {}
          local arity = 1
          if op == 'exists' then arity = 0 elseif op == 'in' then arity = tonumber(token()) end
          for i = 1, arity do operands[i] = token() end
          local test = fieldTest(op, operands)
          return function(doc, name)
            local value, undecided = name, false
            if path then value, undecided = lookup(doc, path) end
            if undecided then return U end
            local r = F
            if value ~= nil then r = test(value) end
            if negated and r ~= U then r = 1 - r end
            return r
          end
        end

        local root = parse()
        local now = tonumber(ARGV[1])
        local descending = ARGV[2] == 'desc'
        local chunk = tonumber(ARGV[4])
        local cursor, mode, budget, prefix = ARGV[5], ARGV[6], tonumber(ARGV[7]), ARGV[8]
        local needles = {}
        for i = 1, tonumber(ARGV[9]) do needles[i] = ARGV[9 + i] end

        local names
        if descending then
          names = redis.call('ZREVRANGEBYLEX', KEYS[1], ARGV[3], '-', 'LIMIT', 0, chunk)
        else
          names = redis.call('ZRANGEBYLEX', KEYS[1], ARGV[3], '+', 'LIMIT', 0, chunk)
        end
        local out = {'', 0, 0, 0}
        if #names == chunk then out[1] = '(' .. names[#names] end
        local before, after = 0, 0
        for _, name in ipairs(names) do
          local key = prefix .. name
          local f
          local r = T
          if #needles > 0 then
            -- A string field equal to a plain text is stored as that text in quotes: where the filter
            -- requires one, its absence rules the row out before its other fields are even read.
            local m = redis.call('HGET', key, 'm')
            for i = 1, #needles do
              if m and not find(m, needles[i], 1, true) then r = F; break end
            end
            if r == T and m then
              f = redis.call('HMGET', key, 'r', 'u', 'e')
              f = {m, f[1], f[2], f[3]}
            else
              f = {false}
            end
          elseif needsMetadata then
            f = redis.call('HMGET', key, 'm', 'r', 'u', 'e')
          else
            -- A program that reads no metadata reads only the expiry of the rows it merely counts.
            f = {true, 0, 0, redis.call('HGET', key, 'e')}
          end
          local m, e = f[1], f[4]
          if r == T and m and e and (e == '' or tonumber(e) > now) then
            if needsMetadata then
              local ok, doc = pcall(cjson.decode, m)
              if ok and type(doc) == 'table' then r = root(doc, name) else r = U end
            else
              r = root(nil, name)
            end
            if r ~= F then
              local fields = true
              if r == T and mode ~= 'all' then
                if mode == 'names' then
                  fields = false
                else
                  local later = cursor == ''
                  if not later then
                    local c = order(name, cursor)
                    later = (c > 0 and not descending) or (c < 0 and descending)
                  end
                  if later and budget > 0 then
                    budget = budget - 1
                  elseif later then
                    after = after + 1
                    fields = nil
                  else
                    before = before + 1
                    fields = nil
                  end
                end
              end
              if fields ~= nil then
                out[#out + 1] = name
                if r == T then out[#out + 1] = '1' else out[#out + 1] = '?' end
                if fields then
                  if not needsMetadata then f = redis.call('HMGET', key, 'm', 'r', 'u', 'e') end
                  out[#out + 1] = f[1]; out[#out + 1] = f[2]; out[#out + 1] = f[3]; out[#out + 1] = f[4]
                else
                  out[#out + 1] = false; out[#out + 1] = false; out[#out + 1] = false; out[#out + 1] = false
                end
              end
            end
          end
        end
        out[2], out[3], out[4] = before, after, budget
        return out
        """
}
