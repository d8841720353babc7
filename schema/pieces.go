package schema

import (
	"bytes"
	"sync/atomic"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// Parsing a large file in pieces.
//
// hclsyntax parses a file from one token slice that it grows by copying (about 100
// bytes per token, allocated about five times over), so a file of thousands of
// records costs several times what its pieces cost parsed one at a time, and one
// parse uses one core. A large file is therefore parsed in pieces of about
// parsePieceBytes, concurrently, and the pieces' syntax trees are put together into
// the tree hclsyntax.ParseConfig gives for the whole file (TestParsePiecesMatchesWhole
// and FuzzParsePiecesMatchesWhole compare them).
//
// Pieces are cut only between body items, where hclsyntax's lexer is in its initial
// state: after the newline that ends an item at the top level, or inside a top-level
// block written over several lines (a zone and its records) after the newline that
// ends one of its items. Such a block is parsed as its header (with an empty body)
// and its body's item groups; the closing brace, first on its line, is placed by
// counting. Each piece is parsed with its start position, so every range is the
// whole file's. Anything unusual (a syntax error or warning in any piece, an
// argument set in two pieces of one body, a token the plan does not expect) and the
// file is parsed whole instead, which gives hclsyntax's own diagnostics.

// parsePieceBytes is the size a piece grows to before it is cut. Smaller pieces cost
// more per piece and gain less; tests set it to 1 to cut at every item.
var parsePieceBytes = 4096

// pieceKind says how a piece is parsed and where its result goes.
type pieceKind uint8

const (
	pieceTop    pieceKind = iota // top-level items
	pieceHeader                  // a split block's header, parsed with "}\n" appended
	pieceBody                    // items of the split block opened by the last header
)

type piece struct {
	kind       pieceKind
	start, end int
	line       int       // line number at start (a line start)
	block      *bigBlock // for headers: the block it opens
}

// bigBlock is a top-level block written over several lines, split into pieces.
type bigBlock struct {
	start     int   // where its piece starts (the end of the item before it)
	headerEnd int   // after the newline that ends the "name labels {" line
	ends      []int // after the newline ending each item of its body
	closeLine int   // start of the line of its closing brace
	close     int   // its closing brace
	end       int   // after the newline that follows the closing brace
}

// topItem is one top-level item: it ends at end (after its newline); big is set
// when it is a block to split.
type topItem struct {
	start, end int
	big        *bigBlock
}

// piecePlanner reads a file's tokens (scanTokens hands it each one) and finds where
// it can be cut. The zero value with src set is ready; failed means "parse whole".
type piecePlanner struct {
	src    []byte
	failed bool
	depth  int // open brackets, braces, strings, heredocs and template sequences

	items    []topItem
	itemOpen bool // a top-level item is open
	lastEnd  int  // end of the last top-level item
	header   headerState

	expectBodyLine bool      // the token after a top-level block's "{"
	blk            *bigBlock // the open top-level block, while it can be split
	bodyItemOpen   bool      // an item of blk's body is open
	atLineStart    bool      // only spaces since the last line end (inside blk)
	lineStart      int       // where the current line starts (inside blk)
	afterClose     bool      // the token after blk's closing brace
}

// headerState follows a top-level item's first tokens: a block header is an
// identifier, labels (quoted or identifiers), then "{".
type headerState uint8

const (
	headerName  headerState = iota // after the item's first identifier
	headerLabel                    // inside a quoted label
	headerOther                    // an argument, or a block whose body has begun
)

func isOpener(t hclsyntax.TokenType) bool {
	switch t {
	case hclsyntax.TokenOBrace, hclsyntax.TokenOBrack, hclsyntax.TokenOParen, hclsyntax.TokenOQuote,
		hclsyntax.TokenOHeredoc, hclsyntax.TokenTemplateInterp, hclsyntax.TokenTemplateControl:
		return true
	}
	return false
}

func isCloser(t hclsyntax.TokenType) bool {
	switch t {
	case hclsyntax.TokenCBrace, hclsyntax.TokenCBrack, hclsyntax.TokenCParen, hclsyntax.TokenCQuote,
		hclsyntax.TokenCHeredoc, hclsyntax.TokenTemplateSeqEnd:
		return true
	}
	return false
}

// add reads the next token (not TokenEOF).
func (p *piecePlanner) add(tok scanTok) {
	if p.failed {
		return
	}
	lineEnd := tok.typ == hclsyntax.TokenNewline || (tok.typ == hclsyntax.TokenComment && p.src[tok.end-1] == '\n')
	switch tok.typ {
	case hclsyntax.TokenInvalid, hclsyntax.TokenBadUTF8:
		p.failed = true
		return
	}
	if p.expectBodyLine {
		p.expectBodyLine = false
		if lineEnd {
			p.blk = &bigBlock{start: p.lastEnd, headerEnd: tok.end}
			p.atLineStart, p.lineStart, p.bodyItemOpen = true, tok.end, false
			return
		}
	}
	if p.afterClose {
		p.afterClose = false
		b := p.blk
		p.blk = nil
		if lineEnd {
			b.end = tok.end
			p.items = append(p.items, topItem{start: b.start, end: tok.end, big: b})
			p.itemOpen, p.lastEnd = false, tok.end
			return
		}
	}

	switch {
	case p.depth == 0:
		p.top(tok, lineEnd)
	case p.depth == 1 && p.blk != nil:
		p.body(tok, lineEnd)
	default:
		p.atLineStart = false
	}

	switch {
	case isOpener(tok.typ):
		p.depth++
	case isCloser(tok.typ):
		if p.depth == 0 {
			p.failed = true
			return
		}
		p.depth--
		if p.depth == 0 && p.header == headerLabel && tok.typ == hclsyntax.TokenCQuote {
			p.header = headerName
		}
	}
}

// top reads a token at the top level.
func (p *piecePlanner) top(tok scanTok, lineEnd bool) {
	switch {
	case lineEnd:
		if p.itemOpen {
			p.items = append(p.items, topItem{start: p.lastEnd, end: tok.end})
			p.itemOpen, p.lastEnd = false, tok.end
		}
	case tok.typ == hclsyntax.TokenComment:
	case !p.itemOpen:
		if tok.typ != hclsyntax.TokenIdent {
			p.failed = true // not an item: hclsyntax reports it
			return
		}
		p.itemOpen, p.header = true, headerName
	case p.header == headerName && tok.typ == hclsyntax.TokenIdent:
	case p.header == headerName && tok.typ == hclsyntax.TokenOQuote:
		p.header = headerLabel
	case p.header == headerName && tok.typ == hclsyntax.TokenOBrace:
		p.header = headerOther
		p.expectBodyLine = true
	default:
		p.header = headerOther
	}
}

// body reads a token directly inside the open top-level block blk.
func (p *piecePlanner) body(tok scanTok, lineEnd bool) {
	switch {
	case lineEnd:
		if p.bodyItemOpen {
			p.blk.ends = append(p.blk.ends, tok.end)
			p.bodyItemOpen = false
		}
		p.atLineStart, p.lineStart = true, tok.end
		return
	case tok.typ == hclsyntax.TokenCBrace:
		if p.bodyItemOpen || !p.atLineStart {
			p.blk = nil // "}" not first on its line: parse this block whole
			return
		}
		p.blk.closeLine, p.blk.close = p.lineStart, tok.start
		p.afterClose = true
	case p.bodyItemOpen:
	case tok.typ == hclsyntax.TokenIdent:
		p.bodyItemOpen = true
	case tok.typ == hclsyntax.TokenComment:
	default:
		p.blk = nil // not an item: hclsyntax reports it
		return
	}
	p.atLineStart = false
}

// pieces returns the pieces to parse, or nil when the file is to be parsed whole.
func (p *piecePlanner) pieces() []piece {
	if p.failed || p.depth != 0 || p.blk != nil || len(p.src) < 2*parsePieceBytes {
		return nil
	}
	var out []piece
	add := func(k pieceKind, start, end int, b *bigBlock) {
		out = append(out, piece{kind: k, start: start, end: end, block: b})
	}
	groupStart := 0
	for _, it := range p.items {
		if b := it.big; b != nil && b.end-b.start >= 2*parsePieceBytes {
			if it.start > groupStart {
				add(pieceTop, groupStart, it.start, nil)
			}
			add(pieceHeader, it.start, b.headerEnd, b)
			cur := b.headerEnd
			for _, e := range b.ends {
				if e-cur >= parsePieceBytes {
					add(pieceBody, cur, e, b)
					cur = e
				}
			}
			if cur < b.closeLine {
				add(pieceBody, cur, b.closeLine, b)
			}
			groupStart = it.end
			continue
		}
		if it.end-groupStart >= parsePieceBytes {
			add(pieceTop, groupStart, it.end, nil)
			groupStart = it.end
		}
	}
	// The last piece runs to the end of the file, for its end-of-file range.
	add(pieceTop, groupStart, len(p.src), nil)
	if len(out) < 2 {
		return nil
	}
	line, at := 1, 0
	for i := range out {
		line += bytes.Count(p.src[at:out[i].start], []byte{'\n'})
		out[i].line, at = line, out[i].start
	}
	return out
}

// parseSource parses one file: in pieces when scanSource planned them and they
// parse cleanly, else whole.
func parseSource(filename string, src []byte, pieces []piece) (*hclsyntax.Body, hcl.Diagnostics) {
	if len(pieces) > 0 {
		if body := parsePieces(filename, src, pieces); body != nil {
			return body, nil
		}
	}
	f, diags := hclsyntax.ParseConfig(src, filename, hcl.InitialPos)
	return f.Body.(*hclsyntax.Body), diags
}

// parsePieces parses the pieces concurrently and puts the file's tree together; nil
// when anything is unusual (the caller then parses the file whole).
func parsePieces(filename string, src []byte, pieces []piece) *hclsyntax.Body {
	bodies := make([]*hclsyntax.Body, len(pieces))
	var bad atomic.Bool
	parallel(len(pieces), func(i int) {
		if bad.Load() {
			return
		}
		pc := pieces[i]
		text := src[pc.start:pc.end]
		if pc.kind == pieceHeader {
			text = append(text[:len(text):len(text)], "}\n"...)
		}
		f, diags := hclsyntax.ParseConfig(text, filename, hcl.Pos{Line: pc.line, Column: 1, Byte: pc.start})
		if len(diags) > 0 {
			bad.Store(true)
			return
		}
		bodies[i] = f.Body.(*hclsyntax.Body)
	})
	if bad.Load() {
		return nil
	}

	root := &hclsyntax.Body{Attributes: hclsyntax.Attributes{}, Blocks: hclsyntax.Blocks{}}
	var blk *hclsyntax.Block // the split block being put together
	for i, pc := range pieces {
		b := bodies[i]
		switch pc.kind {
		case pieceTop:
			if !mergeBody(root, b) {
				return nil
			}
		case pieceHeader:
			if len(b.Attributes) != 0 || len(b.Blocks) != 1 {
				return nil
			}
			blk = b.Blocks[0]
			if blk.Body == nil || len(blk.Body.Attributes) != 0 || len(blk.Body.Blocks) != 0 {
				return nil
			}
			if !mergeBody(root, b) {
				return nil
			}
			// The closing brace is first on its line: only spaces and tabs before it.
			bb := pc.block
			line := pc.line + bytes.Count(src[pc.start:bb.closeLine], []byte{'\n'})
			col := 1 + bb.close - bb.closeLine
			cbrace := hcl.Range{Filename: filename,
				Start: hcl.Pos{Line: line, Column: col, Byte: bb.close},
				End:   hcl.Pos{Line: line, Column: col + 1, Byte: bb.close + 1}}
			blk.CloseBraceRange = cbrace
			blk.Body = &hclsyntax.Body{
				Attributes: hclsyntax.Attributes{},
				Blocks:     hclsyntax.Blocks{},
				SrcRange:   hcl.RangeBetween(blk.OpenBraceRange, cbrace),
				EndRange:   hcl.Range{Filename: cbrace.Filename, Start: cbrace.End, End: cbrace.End},
			}
		case pieceBody:
			if blk == nil || !mergeBody(blk.Body, b) {
				return nil
			}
		}
	}
	first, last := bodies[0], bodies[len(bodies)-1]
	root.SrcRange = hcl.RangeBetween(first.SrcRange, last.EndRange)
	root.EndRange = last.EndRange
	return root
}

// mergeBody adds b's arguments and blocks to into; false when an argument is set in
// both (hclsyntax's "Attribute redefined" comes from parsing whole).
func mergeBody(into, b *hclsyntax.Body) bool {
	for name, a := range b.Attributes {
		if _, dup := into.Attributes[name]; dup {
			return false
		}
		into.Attributes[name] = a
	}
	into.Blocks = append(into.Blocks, b.Blocks...)
	return true
}
