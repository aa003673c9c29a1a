# expect: ok
# sqlite in the job's directory and in a temporary one: the write set holds
# what a database needs (the file, its journal, /tmp).
import os, sqlite3, tempfile
for where in (os.getcwd(), tempfile.mkdtemp()):
    db = sqlite3.connect(os.path.join(where, "t.db"))
    db.execute("create table t (x integer)")
    db.executemany("insert into t values (?)", [(i,) for i in range(1000)])
    db.commit()
    assert db.execute("select sum(x) from t").fetchone()[0] == 499500
    db.close()
print("OK")
