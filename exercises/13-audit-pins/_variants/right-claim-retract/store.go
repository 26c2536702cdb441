package main

import (
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// keepFor is how long the store keeps a result.
const keepFor = 30 * time.Second

// Record is one stored result.
type Record struct {
	ID     string
	Input  int64
	Device int
	Value  int64
	Sum    uint32
	At     time.Time
}

// Store keeps results in memory. It replaced an LMDB database, whose write
// transactions and reader slots belonged to the thread that opened them.
type Store struct {
	mu   sync.RWMutex
	recs map[string]Record
	seq  atomic.Uint64
	stop chan struct{}
	done chan struct{}
}

// NewStore starts an empty store and its janitor.
func NewStore() *Store {
	s := &Store{recs: map[string]Record{}, stop: make(chan struct{}), done: make(chan struct{})}
	go s.janitor()
	return s
}

// Put stores rec and returns its new ID.
func (s *Store) Put(rec Record) string {
	rec.ID = strconv.FormatUint(s.seq.Add(1), 36)
	rec.At = time.Now()
	s.mu.Lock()
	s.recs[rec.ID] = rec
	s.mu.Unlock()
	return rec.ID
}

// Get returns the result stored under id.
func (s *Store) Get(id string) (Record, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	rec, ok := s.recs[id]
	return rec, ok
}

// janitor drops results older than keepFor until Close.
func (s *Store) janitor() {
	defer close(s.done)
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-s.stop:
			return
		case now := <-tick.C:
			s.mu.Lock()
			for id, rec := range s.recs {
				if now.Sub(rec.At) > keepFor {
					delete(s.recs, id)
				}
			}
			s.mu.Unlock()
		}
	}
}

// Close stops the janitor.
func (s *Store) Close() {
	close(s.stop)
	<-s.done
}
