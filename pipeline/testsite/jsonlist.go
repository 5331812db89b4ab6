package testsite

// A column a script fills from a JSON endpoint, as newer portals build them: the page holds an empty list
// and a jQuery $.ajax call naming the endpoint and its data {channelId, pageNo, pageSize}; the endpoint
// answers {"code":200,"msg":…,"data":{"pageNo","pageSize","total","totalPage","list":[{"id","title","url",
// "publishTime","source"}]}} with a weak ETag (as web frameworks send), and 304 to a matching
// If-None-Match. A channel id that does not match answers an empty list.

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// JSONStore is where the items a JSON endpoint at path api serves are kept on its host.
func JSONStore(api string) string { return storePrefix + "json" + api + ".json" }

type jsonStore struct {
	Params map[string]string `json:"params"` // what the request must carry
	Items  []jsonItem        `json:"items"`
}

type jsonItem struct {
	ID          int    `json:"id"`
	Title       string `json:"title"`
	URL         string `json:"url"`
	PublishTime string `json:"publishTime,omitempty"`
	Source      string `json:"source,omitempty"`
}

func (l Listing) jsonIDs() (channel int, api string) {
	channel, api = l.ColumnID, l.API
	if channel == 0 {
		channel = 1520
	}
	if api == "" {
		api = "/api/cms/list"
	}
	return
}

// jsonFiles renders the column page (dir + index.html) and the endpoint's store.
func (l Listing) jsonFiles(dir string, rows []Link) map[string][]byte {
	channel, api := l.jsonIDs()
	rows = append(append([]Link(nil), rows...), l.Unlisted...)
	var b strings.Builder
	l.head(&b, "<script type=\"text/javascript\" src=\"/static/js/jquery.min.js\"></script>\n")
	b.WriteString("<div class=\"list\"><ul class=\"gknb-list\" id=\"gknbList\"><li class=\"loading\">加载中……</li></ul>\n<div class=\"pager\" id=\"gknbPager\"></div></div>\n")
	fmt.Fprintf(&b, `<script type="text/javascript">
function loadList(pageNo) {
	$.ajax({
		url: "%s",
		type: "get",
		dataType: "json",
		data: {channelId: "%d", pageNo: pageNo, pageSize: %d},
		success: function (res) {
			var html = "";
			$.each(res.data.list, function (i, item) {
				html += '<li><a href="' + item.url + '" target="_blank" title="' + item.title + '">' + item.title + '</a><span>' + item.publishTime.substring(0, 10) + '</span></li>';
			});
			$("#gknbList").html(html);
			renderPager("#gknbPager", res.data.pageNo, res.data.totalPage, loadList);
		}
	});
}
$(function () { loadList(1); });
</script>
`, api, channel, l.perPage())
	page := l.foot(&b)
	st := jsonStore{Params: map[string]string{"channelId": strconv.Itoa(channel)}}
	for i, r := range rows {
		title := r.Title
		if title == "" {
			title = r.Text
		}
		it := jsonItem{ID: 5000 + i, Title: title, URL: r.Href, Source: strings.TrimSuffix(l.Portal, "(示例数据)")}
		if r.Date != "" {
			it.PublishTime = r.Date + " 09:30:00"
		}
		st.Items = append(st.Items, it)
	}
	body, _ := json.MarshalIndent(st, "", "  ")
	return map[string][]byte{dir + "index.html": page, JSONStore(api): append(body, '\n')}
}

// jsonAPI answers a JSON endpoint from its store.
func (s *Server) jsonAPI(w http.ResponseWriter, r *http.Request, store *Page) int {
	var st jsonStore
	if err := json.Unmarshal(store.Body, &st); err != nil {
		http.Error(w, "bad store", http.StatusInternalServerError)
		return http.StatusInternalServerError
	}
	q := r.URL.Query()
	for k, v := range st.Params {
		if q.Get(k) != v {
			st.Items = nil
		}
	}
	pageNo, _ := strconv.Atoi(q.Get("pageNo"))
	size, _ := strconv.Atoi(q.Get("pageSize"))
	pageNo, size = max(pageNo, 1), max(size, 1)
	total := len(st.Items)
	list := []jsonItem{}
	if from := (pageNo - 1) * size; from < total {
		list = st.Items[from:min(from+size, total)]
	}
	body, _ := json.Marshal(map[string]any{"code": 200, "msg": "操作成功", "data": map[string]any{
		"pageNo": pageNo, "pageSize": size, "total": total, "totalPage": (total + size - 1) / size, "list": list}})
	sum := sha256.Sum256(body)
	etag := `W/"` + hex.EncodeToString(sum[:8]) + `"`
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.Header().Set("ETag", etag)
	if inm := r.Header.Get("If-None-Match"); inm != "" && strings.Contains(inm, strings.TrimPrefix(etag, "W/")) {
		w.WriteHeader(http.StatusNotModified)
		return http.StatusNotModified
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	w.Write(body)
	return http.StatusOK
}
