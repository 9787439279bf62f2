#!/usr/bin/env bash
# Make the demo audio of radio-sched: Vietnamese speech segments of every kind the Hà Tĩnh 2024 plan
# uses, and the CCHC column's two jingles, with free tools only (espeak-ng -v vi, sox, ffmpeg).
# The output is deterministic (same tool versions, same bytes: sox runs with -R -D) and small: mono MP3 at 32 kbps.
# Usage: audio_library/demo/make_demo.sh   (writes beside this script; segments.csv, kept by hand,
#        lists the files for radio-sched segments import audio_library/demo/segments.csv)
set -euo pipefail
cd "$(dirname "$0")"
for tool in espeak-ng sox ffmpeg; do
  command -v "$tool" >/dev/null || { echo "needs $tool (scripts/setup.sh installs it)" >&2; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

mp3() {  # WAV in, small deterministic mono MP3 out
  ffmpeg -nostdin -hide_banner -loglevel error -y -i "$1" -ac 1 -ar 22050 -c:a libmp3lame -b:a 32k \
    -map_metadata -1 -fflags +bitexact -flags:a +bitexact "$2"
}

speak() {  # id, text: speech with a breath of silence around it, slightly warmed up by sox
  espeak-ng -v vi -s 145 -p 45 -w "$tmp/$1.raw.wav" "$2"
  sox -R -D "$tmp/$1.raw.wav" "$tmp/$1.wav" rate 22050 gain -6 bass +3 pad 0.4 0.6 norm -3
  mp3 "$tmp/$1.wav" "$1.mp3"
}

jingle() {  # id, seconds, notes...: a bright arpeggio over a held chord, faded
  local id=$1 len=$2; shift 2
  local parts=() n=0
  for note in "$@"; do
    sox -R -D -n -r 22050 -c 1 "$tmp/$id-$n.wav" synth "$len" pluck "$note" fade 0 "$len" 0.8 \
      delay "$(awk "BEGIN { print $n * 0.25 }")" trim 0 "$len"
    parts+=("$tmp/$id-$n.wav"); n=$((n + 1))
  done
  sox -R -D -n -r 22050 -c 1 "$tmp/$id-pad.wav" synth "$len" sine "$1" sine "$3" fade h 0.3 "$len" 1.2 vol 0.15
  sox -R -D -m "${parts[@]}" "$tmp/$id-pad.wav" "$tmp/$id.wav" norm -3
  mp3 "$tmp/$id.wav" "$id.mp3"
}

jingle jingle-intro 4 C4 E4 G4 C5
jingle jingle-outro 3 G4 E4 C4

speak ct-cchc-quy1 "Chương trình phát thanh chuyên đề cải cách hành chính của tỉnh Hà Tĩnh, quý một năm hai nghìn không trăm hai mươi tư. Năm nay, tỉnh tập trung nâng cao chỉ số năng lực cạnh tranh cấp tỉnh, chỉ số PCI, và chỉ số đánh giá năng lực cạnh tranh các sở, ban, ngành và địa phương, chỉ số DDCI. Người dân và doanh nghiệp có thể nộp hồ sơ trực tuyến tại Cổng dịch vụ công, theo dõi tiến độ giải quyết và nhận kết quả qua bưu chính công ích."
speak ps-thang3-so1 "Phóng sự của Đài Phát thanh và Truyền hình Hà Tĩnh. Tại Trung tâm phục vụ hành chính công tỉnh, mỗi ngày tiếp nhận hàng trăm hồ sơ. Thời gian giải quyết thủ tục được rút ngắn, nhiều thủ tục đã được thực hiện hoàn toàn trên môi trường mạng."
speak ps-thang3-so2 "Phóng sự: chuyển đổi số trong cải cách hành chính ở cấp xã. Cán bộ một cửa hướng dẫn người dân cài đặt ứng dụng định danh điện tử, thanh toán lệ phí trực tuyến và tra cứu hồ sơ ngay tại nhà."
speak tp-ht-so09 "Chuyên mục cải cách hành chính của thành phố Hà Tĩnh, số chín. Trong tuần qua, bộ phận một cửa các phường, xã đã tiếp nhận và trả kết quả đúng hạn cho hơn chín mươi tám phần trăm hồ sơ. Thành phố đề nghị các đơn vị tiếp tục niêm yết công khai thủ tục hành chính."
speak tp-ht-so10 "Chuyên mục cải cách hành chính của thành phố Hà Tĩnh, số mười. Thành phố triển khai tiếp nhận hồ sơ đăng ký hộ kinh doanh qua mạng. Người dân chỉ cần khai báo trực tuyến, không phải đi lại nhiều lần."
speak tp-ht-so11 "Chuyên mục cải cách hành chính của thành phố Hà Tĩnh, số mười một. Kết quả khảo sát sự hài lòng của người dân đối với dịch vụ hành chính công quý trước đạt mức cao. Những ý kiến góp ý sẽ được tiếp thu để phục vụ tốt hơn."
speak tp-ht-so12 "Chuyên mục cải cách hành chính của thành phố Hà Tĩnh, số mười hai. Thành phố phát động phong trào mỗi cán bộ, công chức là một tuyên truyền viên về dịch vụ công trực tuyến."
speak gdh-nam-ha "Gương điển hình, việc tốt trong cải cách hành chính. Chị Nguyễn Thị Hoa, công chức tư pháp hộ tịch phường Nam Hà, luôn tận tình hướng dẫn người dân làm thủ tục, nhiều lần giải quyết hồ sơ ngoài giờ để kịp cho bà con."
speak gdh-bac-ha "Gương điển hình, việc tốt trong cải cách hành chính. Anh Trần Văn Nam, tổ trưởng tổ dân phố phường Bắc Hà, đã giúp hơn năm mươi hộ gia đình đăng ký tài khoản dịch vụ công trực tuyến."
speak hd-khai-sinh "Hướng dẫn đăng ký khai sinh trực tuyến. Bà con truy cập Cổng dịch vụ công quốc gia, chọn liên thông đăng ký khai sinh, đăng ký thường trú và cấp thẻ bảo hiểm y tế cho trẻ dưới sáu tuổi. Kết quả được trả qua bưu điện tận nhà."
speak hd-ly-lich-tu-phap "Hướng dẫn cấp phiếu lý lịch tư pháp trên ứng dụng định danh điện tử. Người dân không cần đến cơ quan nhà nước, nộp lệ phí trực tuyến và nhận phiếu qua dịch vụ bưu chính công ích."
speak hd-thanh-toan "Hướng dẫn thanh toán trực tuyến phí và lệ phí thủ tục hành chính. Bà con có thể thanh toán bằng tài khoản ngân hàng hoặc ví điện tử, an toàn và nhanh chóng."
speak noi-vu-thang3 "Thông tin từ Sở Nội vụ. Tỉnh tiếp tục sắp xếp tổ chức bộ máy tinh gọn, nâng cao chất lượng đội ngũ cán bộ, công chức, viên chức, siết chặt kỷ luật, kỷ cương hành chính."
echo "demo audio: $(du -ch ./*.mp3 | tail -1 | cut -f1) in $(ls ./*.mp3 | wc -l) files"
