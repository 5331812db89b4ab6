package ingest

import (
	"errors"
	"fmt"
	"os"
	"strings"
)

// readSource reads one document for the importer, or says in Chinese why it cannot: a problem already
// known (from the walk or the manifest), a path that is not a regular file (a FIFO would block the read
// forever), or a read error. The reason becomes the failed report's Error.
func readSource(src Source) ([]byte, error) {
	if src.Problem != "" {
		return nil, errors.New(src.Problem)
	}
	st, err := os.Stat(src.Path)
	if err != nil {
		return nil, errors.New(describeOpenError(src.Path, err))
	}
	switch {
	case st.IsDir():
		return nil, fmt.Errorf("%s 是文件夹,不是文件", Printable(src.Path))
	case !st.Mode().IsRegular():
		return nil, fmt.Errorf("%s 是%s,不是普通文件,未读取", Printable(src.Path), kindOf(st.Mode()))
	}
	data, err := readLimited(src.Path)
	if err != nil {
		return nil, errors.New(describeOpenError(src.Path, err))
	}
	return data, nil
}

// maxTextCells bounds the cells and lines of a document in the flattened text form. A report has about a
// thousand; a file with more than a hundred reports' worth is refused before extraction, whose blocks
// would take several times the file's size in memory (a 31 MB line of cells: 3 million blocks).
const maxTextCells = 200_000

// checkTextSize refuses a flattened text too large to be one page of reports.
func checkTextSize(text string) error {
	if n := strings.Count(text, "|") + strings.Count(text, "\n"); n > maxTextCells {
		return fmt.Errorf("文档过大:约 %d 个单元格或行,超过上限 %d(约一百份报告),未解析", n, maxTextCells)
	}
	return nil
}
