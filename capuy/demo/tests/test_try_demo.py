import random, time
from capuy.demo import province
from capuy.demo.grassroots import build_grassroots_demo

def test_demo(db):
    t=time.time()
    summary = province.build_demo(members=3000, seed=2019)
    t1=time.time()
    g = build_grassroots_demo(random.Random("2019:grassroots"), root=summary.root)
    print(t1-t, time.time()-t1, g)
