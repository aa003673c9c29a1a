# sqlite3: a file database in WAL mode, transactions, an in-memory database
import os, sqlite3, tempfile
d = tempfile.mkdtemp()
con = sqlite3.connect(os.path.join(d, "t.db"))
con.execute("pragma journal_mode=wal")
con.execute("create table t (a integer primary key, b text)")
with con:
    con.executemany("insert into t (b) values (?)", [(str(i),) for i in range(5000)])
assert con.execute("select count(*) from t").fetchone()[0] == 5000
con.execute("vacuum"); con.close()
m = sqlite3.connect(":memory:"); m.execute("create table x (y)"); m.close()
print("sqlite ok")
