#!/usr/bin/env python3
"""Summarises a JFR recording's execution samples (jdk.ExecutionSample, Java frames only; time in native code
such as RocksDB or DuckDB is not sampled): samples by thread (numbers and ids folded), by the innermost frame that
belongs to a known component, and by top frame.  Usage: scripts/jfr-summary.py run.jfr [rows]"""
import re,sys,subprocess,collections
out=subprocess.run(['jfr','print','--events','jdk.ExecutionSample',sys.argv[1]],capture_output=True,text=True).stdout
events=out.split('jdk.ExecutionSample')
threads=collections.Counter(); tops=collections.Counter(); pkg=collections.Counter(); total=0
for e in events:
    m=re.search(r'sampledThread = "([^"]*)"',e)
    if not m: continue
    total+=1
    t=re.sub(r'[0-9a-f]{8}-[0-9a-f-]{27}','<uuid>',m.group(1)); t=re.sub(r'\d+','N',t)
    threads[t]+=1
    frames=[f.strip() for f in re.findall(r'\n\s+([\w$.<>]+\(.*?\))\s+line:',e)]
    if frames:
        tops[frames[0].split('(')[0]]+=1
        # first frame inside a "known" area
        for f in frames:
            n=f.split('(')[0]
            for p in ['com.gds.alerting','org.rocksdb','org.duckdb','org.apache.avro','org.apache.kafka.streams','org.apache.kafka.clients.producer','org.apache.kafka.clients.consumer','kafka.','org.apache.kafka.storage','org.apache.kafka.server','io.micronaut','io.netty','com.sun.net.httpserver']:
                if n.startswith(p):
                    pkg[p]+=1; break
            else: continue
            break
print('samples',total)
print('-- by thread'); [print('%5d %4.1f%% %s'%(c,100*c/total,t)) for t,c in threads.most_common(int(sys.argv[2]) if len(sys.argv)>2 else 20)]
print('-- by first frame in a component (deepest-first = top of stack)'); [print('%5d %4.1f%% %s'%(c,100*c/total,t)) for t,c in pkg.most_common(15)]
print('-- top frames'); [print('%5d %4.1f%% %s'%(c,100*c/total,t)) for t,c in tops.most_common(15)]
