from neuron import h

class PyrCell:
    def __init__(self, dend_length=200):
        self.soma = h.Section(name='soma', cell=self)
        self.soma.L = self.soma.diam = 20
        self.soma.insert('hh')
        self.dend = h.Section(name='dend', cell=self)
        self.dend.L, self.dend.diam, self.dend.nseg = dend_length, 2, 7
        self.dend.insert('pas')
        for i, seg in enumerate(self.dend):
            seg.pas.g = 1e-4 * (1 + i)
        self.dend.connect(self.soma(1))
        self.all = [self.soma, self.dend]
