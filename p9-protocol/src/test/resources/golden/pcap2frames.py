#!/usr/bin/env python3
"""Splits the 9P TCP streams of a loopback pcap into frames: pcap2frames.py PCAP PORT TITLE > OUT.frames

Each TCP connection's two directions are reassembled by sequence number (duplicates dropped) and
cut at the little-endian size[4] prefix. At most KEEP frames per message type are kept per file,
but every type at least once; requests and replies keep their stream order."""
import struct, sys, collections

KEEP = 40

def packets(path):
    with open(path, 'rb') as f:
        magic = f.read(24)
        little = magic[:4] in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1')
        e = '<' if little else '>'
        linktype = struct.unpack(e + 'I', magic[20:24])[0]
        while True:
            h = f.read(16)
            if len(h) < 16:
                return
            _, _, incl, _ = struct.unpack(e + 'IIII', h)
            yield linktype, f.read(incl)

def tcp_segments(path):
    for link, p in packets(path):
        if link == 1:        # Ethernet
            if struct.unpack('!H', p[12:14])[0] != 0x0800:
                continue
            ip = p[14:]
        elif link == 113:    # Linux cooked
            ip = p[16:]
        elif link == 276:    # Linux cooked v2
            ip = p[20:]
        else:
            ip = p[4:] if link == 0 else p
        if ip[0] >> 4 != 4 or ip[9] != 6:
            continue
        ihl = (ip[0] & 15) * 4
        total = struct.unpack('!H', ip[2:4])[0]
        t = ip[ihl:total]
        sport, dport, seq = struct.unpack('!HHI', t[:8])
        off = (t[12] >> 4) * 4
        yield sport, dport, seq, t[off:]

def main():
    path, port, title = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    streams = collections.OrderedDict()
    seen = collections.defaultdict(set)
    for sport, dport, seq, payload in tcp_segments(path):
        if not payload:
            continue
        key = (sport, dport)
        if seq in seen[key]:
            continue
        seen[key].add(seq)
        streams.setdefault(key, []).append((seq, payload))
    frames = []  # (order, direction, bytes)
    order = 0
    for (sport, dport), segs in streams.items():
        direction = 'C' if dport == port else 'S'
        data = b''.join(p for _, p in sorted(segs, key=lambda s: s[0]))
        i = 0
        conn = (min(sport, dport), max(sport, dport))
        n = 0
        while i + 4 <= len(data):
            size = struct.unpack('<I', data[i:i + 4])[0]
            if size < 7 or i + size > len(data):
                break
            frames.append((conn, n, direction, data[i:i + size]))
            i += size
            n += 1
    counts = collections.Counter()
    print('# ' + title)
    print('# format: C|S <hex of one whole frame>; C = client to server, S = server to client')
    print('# at most %d frames of each type kept; regenerate with capture.sh' % KEEP)
    # interleave per connection: request n then its reply (9P replies may be reordered; kept by stream)
    byconn = collections.OrderedDict()
    for conn, n, d, b in frames:
        byconn.setdefault(conn, {'C': [], 'S': []})[d].append(b)
    for conn, dirs in byconn.items():
        replies = {struct.unpack('<H', b[5:7])[0]: [] for b in dirs['S']}
        for b in dirs['S']:
            replies[struct.unpack('<H', b[5:7])[0]].append(b)
        for b in dirs['C']:
            tag = struct.unpack('<H', b[5:7])[0]
            r = replies.get(tag, [])
            rep = r.pop(0) if r else None
            t = b[4]
            if counts[t] >= KEEP and (rep is None or counts[rep[4]] >= KEEP):
                continue
            counts[t] += 1
            print('C ' + b.hex())
            if rep is not None:
                counts[rep[4]] += 1
                print('S ' + rep.hex())

main()
