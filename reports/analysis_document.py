"""The score-analysis report (การวิเคราะห์ผลการประเมิน), kind `analysis` (being written)."""
